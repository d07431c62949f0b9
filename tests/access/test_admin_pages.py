"""Every admin page answers every user with the page, a redirect, a 403 or a 404, never an error.

The walk reads ``admin.site._registry``, so a new ModelAdmin, custom admin URL or admin action
is requested without anyone adding it here. Each user (the six roles, the superuser and a staff
user without a role) opens each page on a row of 浒山, whose staff they are, and of 古塘,
another subdistrict, where rows are scoped: changelist, add, change, history, delete, the
field-history version pages, every URL of ``get_urls()`` and every action, by GET and by POST
(the change and version forms are posted back as their user would save them unchanged).
"""

import itertools

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse
from django.urls.resolvers import RegexPattern

from communities.lifecycle import ADMIN
from communities.roles import Role
from funding.choices import TrancheState
from funding.services import tranche_approve
from projects.lifecycles import PLAN

ANSWERS = {200, 302, 403, 404}
USERS = [*Role.values, "superuser", "no_role"]
# The views every ModelAdmin has; anything else get_urls() names is a custom admin URL.
STANDARD_VIEWS = {"changelist", "add", "change", "history", "delete"}
# Values of the URL parameters of custom admin URLs, other than the row's key.
URL_ARGUMENTS = {
    "projects_gapfillingplan_transition": {
        "action": [step.name for step in PLAN if step.where == ADMIN]
    },
    "auth_user_password_change": {"id": "object_id"},
}
# How rows of a model that has no scoped queryset reach their subdistrict.
SCOPE_PATHS = {"projects.planlineitem": "plan__subdistrict"}


def scoped_rows(model, world) -> list:
    """A row of each subdistrict where the model's rows are scoped, else its first row."""
    queryset = model._default_manager.order_by("pk")
    path = SCOPE_PATHS.get(model._meta.label_lower) or getattr(queryset, "subdistrict_path", None)
    if path is None:
        rows = [queryset.first()]
    else:
        rows = [
            queryset.filter(**{path: side.subdistrict.pk}).first() for side in world.sides.values()
        ]
    assert all(rows), f"the access world has no {model._meta.label} row: add one to world.py"
    return rows


def plain(value):
    """A form value as the browser would post it."""
    if value is None:
        return ""
    return str(value)


def form_data(form) -> dict:
    """What a browser posts for a form as rendered: each field's current value."""
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        widget = getattr(bound.field.widget, "widget", bound.field.widget)
        value = bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[bound.html_name + suffix] = plain(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [plain(item) for item in value]
        else:
            data[bound.html_name] = plain(value)
    return data


def page_data(response) -> dict:
    """The change (or version) form of a page with its inline formsets, ready to post back."""
    context = response.context or {}
    if "adminform" not in context:
        return {}
    data = form_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def parameters(pattern: URLPattern) -> list[str]:
    """The names of a URL pattern's parameters, in order (positional ones as "#1", "#2")."""
    if isinstance(pattern.pattern, RegexPattern):
        regex = pattern.pattern.regex
        return list(regex.groupindex) or [f"#{n}" for n in range(1, regex.groups + 1)]
    return list(pattern.pattern.converters)


def custom_urls(model_admin, row) -> list[str]:
    """Every URL of the admin's get_urls() beyond the standard five, filled in for the row."""
    opts = model_admin.model._meta
    standard = {f"{opts.app_label}_{opts.model_name}_{view}" for view in STANDARD_VIEWS}
    urls = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name or pattern.name in standard:
            continue
        names = parameters(pattern)
        if pattern.name.endswith("_simple_history"):
            first = row.history.order_by("history_id").first()
            version = first.history_id if first else 0
            urls.append(reverse(f"admin:{pattern.name}", args=[row.pk, version]))
            continue
        declared = URL_ARGUMENTS.get(pattern.name, {})
        choices = []
        for name in names:
            if name == "object_id" or declared.get(name) == "object_id":
                choices.append([row.pk])
            else:
                assert name in declared, f"declare the values of {name} of {pattern.name}"
                choices.append(declared[name])
        for values in itertools.product(*choices):
            urls.append(
                reverse(f"admin:{pattern.name}", kwargs=dict(zip(names, values, strict=True)))
            )
    return urls


class Walk:
    """Requests pages as one user, each inside a savepoint that is rolled back, and records
    every answer outside ANSWERS and every exception."""

    def __init__(self, user, failures: list[str]):
        self.user = user
        self.failures = failures
        self.client = Client(raise_request_exception=True)
        self.client.force_login(user)

    def request(self, method: str, url: str, data=None, *, hidden: bool = False):
        """One request; ``hidden`` when the page shows a row the user must not see."""
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data or {})
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 — every server error is a finding
            self.failures.append(f"{method.upper()} {url} as {self.user}: {error!r}")
            return None
        if response.status_code not in ANSWERS or (hidden and response.status_code == 200):
            self.failures.append(
                f"{method.upper()} {url} as {self.user}: status {response.status_code}"
            )
        return response

    def get_and_post_back(self, url: str, *, hidden: bool = False):
        """Open a form page, then post it back as its user would save it unchanged."""
        response = self.request("get", url, hidden=hidden)
        if response is not None:
            data = page_data(response) if response.status_code == 200 else {}
            self.request("post", url, data, hidden=hidden)


def walk_model_admin(model, model_admin, world, user, failures):
    """Every page and action of one ModelAdmin, as one user, on a row of each subdistrict.

    Users who read the whole city see 古塘's rows exactly as 浒山's, so only a user of a
    subdistrict (whose rows are scoped) also opens the other subdistrict's row, which must
    never answer with its page.
    """
    walk = Walk(user, failures)
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    rows = scoped_rows(model, world)
    if user.subdistrict_id is None:
        rows = rows[:1]
    changelist = reverse(f"{name}_changelist")
    walk.request("get", changelist)
    walk.get_and_post_back(reverse(f"{name}_add"))
    selected = [row.pk for row in rows]
    for _function, action, _description in model_admin._get_base_actions():
        data = {"action": action, "index": "0", helpers.ACTION_CHECKBOX_NAME: selected}
        walk.request("post", changelist, data)
        if action == "delete_selected":  # its confirmation page, then the confirmed deletion
            walk.request("post", changelist, {**data, "post": "yes"})
    custom = {}
    for row, hidden in zip(rows, [False, True], strict=False):
        for url in custom_urls(model_admin, row):
            custom.setdefault(url, hidden)
        walk.get_and_post_back(reverse(f"{name}_change", args=[row.pk]), hidden=hidden)
        walk.request("get", reverse(f"{name}_history", args=[row.pk]), hidden=hidden)
        delete = reverse(f"{name}_delete", args=[row.pk])
        walk.request("get", delete, hidden=hidden)
        walk.request("post", delete, {"post": "yes"}, hidden=hidden)
    for url, hidden in custom.items():
        walk.get_and_post_back(url, hidden=hidden)


REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTRY, ids=[model._meta.label for model, _ in REGISTRY]
)
def test_every_admin_page_answers_every_user_without_a_server_error(world, db, model, model_admin):
    # given every user, and a row of the model in each subdistrict
    failures: list[str] = []
    # when each opens every page and action of the model's admin
    for key in USERS:
        walk_model_admin(model, model_admin, world, world.users[key], failures)
    # then each got the page, a redirect, a 403 or a 404
    assert not failures, "\n".join(failures)


def test_a_supervision_reports_history_opens_for_the_supervisor(world, db, client):
    # given a supervision report, a model that keeps no field history
    client.force_login(world.users[Role.SUPERVISOR])
    # when the supervisor opens its history in the admin
    url = reverse("admin:operations_supervisionreport_history", args=[world.city.report.pk])
    response = client.get(url)
    # then Django's own history page (its admin log) answers
    assert response.status_code == 200
    assert "action_list" in response.context
    assert "revert" not in response.content.decode()


def test_another_subdistricts_history_and_versions_are_not_found(world, db, client):
    # given staff of 浒山 and a facility of 古塘 with a recorded version
    client.force_login(world.users[Role.SUBDISTRICT_STAFF])
    facility = world.other.facility
    version = facility.history.first().history_id
    # when they open its history and its version
    history = client.get(reverse("admin:communities_facility_history", args=[facility.pk]))
    past = client.get(
        reverse("admin:communities_facility_simple_history", args=[facility.pk, version])
    )
    # then both are a 404, as the row itself is
    assert (history.status_code, past.status_code) == (404, 404)


def test_a_past_version_is_read_only(world, db, client):
    # given a due tranche that finance has since approved
    finance = world.users[Role.FINANCE_OFFICER]
    tranche = world.own.tranche
    due_version = tranche.history.order_by("history_id").first().history_id
    tranche_approve(tranche=tranche, actor=finance)
    client.force_login(finance)
    url = reverse("admin:funding_tranche_simple_history", args=[tranche.pk, due_version])
    # when finance opens the version from before the approval, then posts it back (a revert)
    page = client.get(url)
    revert = client.post(url, page_data(page))
    # then the version shows, the revert is refused and the tranche stays approved
    assert page.status_code == 200
    assert revert.status_code == 403
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.APPROVED
