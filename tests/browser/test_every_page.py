"""Every page of the portal, opened in Chromium by a user who may open it: its choices can be
seen and chosen, it speaks only the reader's language, it has no serious or critical axe-core
violation, and on a 390 px phone it does not scroll sideways.

The pages are the permission matrix's (tests/access/access_matrix.py) GET rows outside the API
and the downloads, over the access tests' world of two subdistricts; a new URL with a row there
is checked here too. Text people typed (names, titles, reasons) may be in either language: every
text stored in the world's rows, other than codes and what the system wrote, is a proper name.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import models
from django.urls import reverse

from tests.access.access_matrix import MATRIX, STAFF
from tests.access.world import build_world
from tests.browser.helpers import assert_choices_visible, assert_one_language
from tests.conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

# Files and JSON answers, not pages.
NOT_PAGES = {
    "projects:plan_space_choices",
    "projects:future_export",
    "projects:plan_table_status",
    "projects:plan_table_download",
    "projects:attachment",
    "projects:future_document",
    "funding:export_download",
    "funding:export_status",
    "operations:satisfaction_template",
    "operations:report_file",
    "operations:report_status",
    "health",
    "public:language",
    "logout",
    "login",
}
# Stored text the system writes, not people: never a proper name.
SYSTEM_FIELDS = {"comment", "note", "error", "label", "explanation", "reason_code"}
APPS = ("communities", "projects", "funding", "operations", "public")


def pages():
    for row in MATRIX:
        if (
            row.post is not None
            or row.name in NOT_PAGES
            or row.name.endswith("_search")
            or "-" in row.name
        ):
            continue
        yield row


def typed_text() -> set[str]:
    """Every text people entered into the world's rows: names, titles, addresses, reasons."""
    names = set()
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, (models.CharField, models.TextField))
                and not field.choices
                and field.name not in SYSTEM_FIELDS
            ]
            for values in model.objects.values_list(*fields) if fields else ():
                names.update(str(value) for value in values if value)
    for user in apps.get_model(settings.AUTH_USER_MODEL).objects.all():
        names.update(filter(None, (user.get_full_name(), user.username)))
    return {name for name in names if len(name) > 1}


def sign_in(context, live_server, user) -> None:
    """Give the browser a session of ``user`` (the login form has its own journey)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            },
        ]
    )


def url_of(row, world) -> str:
    if row.args is None:
        return reverse(row.name)
    rows = world.city if row.city else world.own
    return reverse(row.name, kwargs=row.args(rows))


def test_every_page_can_be_read_and_used_in_either_language_on_desktop_and_phone(page, live_server):
    world = build_world()
    allowed = typed_text()
    problems = []
    for row in pages():
        role = STAFF if STAFF in row.allowed else row.allowed[0]
        sign_in(page.context, live_server, world.users[role])
        url = live_server.url + url_of(row, world)
        for language, width in (("zh-hans", 1366), ("en", 1366), ("en", 390)):
            page.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            where = f"{row.name} as {role} ({language}, {width} px)"
            if response is None or response.status != 200:
                problems.append(f"{where}: status {response and response.status}")
                continue
            problems += [
                f"{where}: {problem}" for problem in _check(page, language, width, allowed)
            ]
    assert not problems, "\n".join(problems)


def _check(page, language: str, width: int, allowed) -> list[str]:
    """What is wrong with the page as it is shown now: every check runs, each failure is kept."""
    checks = [
        lambda: assert_one_language(page, language, allowed),
        lambda: assert_choices_visible(page),
    ]
    if width == 1366 and language == "zh-hans":
        checks.append(lambda: check_accessibility(page))
    if width < 1366:
        checks.append(lambda: _assert_no_sideways_scroll(page, width))
    problems = []
    for check in checks:
        try:
            check()
        except (AssertionError, pytest.fail.Exception) as error:
            problems.append(str(error))
    return problems


def _assert_no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll} px wide on a {width} px screen"
