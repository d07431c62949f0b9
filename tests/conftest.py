"""Shared fixtures: users by role, external services, and the browser on Debian's Chromium."""

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from communities.roles import Role

from .factories import SubdistrictFactory, UserFactory

# Playwright's sync API keeps an event loop in the test thread; Django must still let the test
# touch the database from there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The properties are about sums and roundings, not speed: a loaded machine must not fail them
# with a deadline.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def missing_service(reason: str):
    """Skip with the reason on a plain machine; fail under CI=true, where services must exist."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = os.environ.get("REDIS_URL") or "not set (Celery tasks run in-process)"
    return [
        f"database: {engine}",
        f"redis: {redis}",
        f"chromium: {shutil.which(CHROMIUM) or 'absent'}",
    ]


def pytest_runtest_setup(item):
    # Each test, and the module fixtures it builds, starts in the portal's default language: the
    # locale middleware leaves the language of the last request active in the thread.
    translation.deactivate()
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing_service("this test needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis"):
        url = os.environ.get("REDIS_URL", "")
        if not url:
            missing_service("this test needs Redis: set REDIS_URL=redis://…")
        elif not _redis_reachable(url):
            missing_service(f"Redis is not reachable at {url}")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        missing_service(f"this test needs Chromium at {CHROMIUM} (apt install chromium)")


def pytest_collection_modifyitems(items):
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "page" in fixtures:
            item.add_marker(pytest.mark.browser)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker is not None and marker.kwargs.get("transaction")) or (
        "live_server" in fixtures or "transactional_db" in fixtures
    )


def _sql_flush_by_delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """PostgreSQL's flush for the tests: DELETE FROM each table instead of one TRUNCATE.

    A TRUNCATE gives each of the 70-odd tables new files whether it held a row or not, about two
    seconds on a busy machine, and every transactional test flushes twice (the reference rows are
    loaded into empty tables). The few rows a test leaves are deleted in milliseconds. The
    foreign keys are deferred to the commit, when no row is left to refer to another; the
    sequences restart when the flush asks for it, as TRUNCATE … RESTART IDENTITY does.
    """
    if not tables:
        return []
    statements = [style.SQL_KEYWORD("SET CONSTRAINTS ALL DEFERRED;")]
    statements += [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
    ]
    if reset_sequences:
        with self.connection.cursor() as cursor:
            introspection = self.connection.introspection
            sequences = [s for table in tables for s in introspection.get_sequences(cursor, table)]
        statements += self.sequence_reset_by_name_sql(style, sequences)
    return statements


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    from django.db.backends.postgresql.operations import DatabaseOperations

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", _sql_flush_by_delete)
        yield


# The rows that migrations made: on PostgreSQL each table's rows in COPY's text format (an exact
# copy, loaded in milliseconds), elsewhere as Django serializes a test database.
_reference_data: dict[str, str | dict[str, bytes]] = {}
# Whether a transactional test emptied the tables since the reference rows were last loaded,
# and the blocker that lets the suite reach the database to load them again.
_emptied = {"default": False}
_blocker = {}


def _copy_reference_data() -> str | dict[str, bytes]:
    if connection.vendor != "postgresql":
        return connection.creation.serialize_db_to_string()
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    copies = {}
    with connection.cursor() as cursor:
        for table in tables:
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                rows = b"".join(copy)
            if rows:
                copies[table] = rows
    return copies


def _load_reference_data() -> None:
    # The previous test's flush re-created content types and permissions with other keys;
    # clear them too, as Django does for serialized_rollback, then load the copy.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    ContentType.objects.clear_cache()
    copies = _reference_data["default"]
    if isinstance(copies, str):
        connection.creation.deserialize_db_from_string(copies)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, rows in copies.items():
                table = connection.ops.quote_name(table)
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(rows)
    _emptied["default"] = False


def restore_reference_data(django_db_blocker) -> None:
    """Load the rows that migrations made again if a transactional test emptied the tables."""
    if _emptied["default"] and "default" in _reference_data:
        with django_db_blocker.unblock():
            _load_reference_data()


@pytest.fixture(autouse=True)
def _restore_reference_data(request, django_db_blocker):
    """Give every test the rows that migrations made.

    A transactional test empties every table when it ends, the role groups, departments,
    standards and subsidy policies included. The first one takes a copy of the database as the
    migrations left it, and the copy is loaded again right after each one's flush (in
    pytest_runtest_teardown below), before the next test or module fixture starts: a test's
    own transaction, which pytest-django opens before this fixture runs, would roll back rows
    loaded inside it. Django's own serialized_rollback misses tests that run Playwright, whose
    greenlets see another connection object.
    """
    if not _is_transactional(request.node):
        yield
        return
    request.getfixturevalue("transactional_db")
    if "default" not in _reference_data:
        _reference_data["default"] = _copy_reference_data()
    restore_reference_data(django_db_blocker)
    yield
    _emptied["default"] = True  # by the flush that ends the test
    _blocker["default"] = django_db_blocker


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After the last test the test database is gone: nothing is loaded then.
        if nextitem is not None and _emptied["default"]:
            restore_reference_data(_blocker["default"])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive the system's Chromium; never a browser that Playwright downloads."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


# axe-core impacts that fail the suite; "moderate" and "minor" ones are reported, not failed.
BLOCKING_IMPACTS = {"serious", "critical"}


def check_accessibility(page) -> None:
    """Run axe-core (bundled by axe-playwright-python, never from a CDN) on the page as it is
    now, and fail on any serious or critical violation, naming the rule and the elements."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    if blocking:
        lines = [
            f"{violation['impact']}: {violation['id']} ({violation['help']}): "
            + "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
            for violation in blocking
        ]
        pytest.fail(f"axe-core on {page.url}:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/ for people to look at,
    after axe-core has found no serious or critical violation on the page."""

    def take(name: str) -> Path:
        check_accessibility(page)
        target = ARTIFACTS / "screenshots" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)
        return target

    return take


@pytest.fixture
def hushan(db):
    return SubdistrictFactory(code="hushan", name="浒山")


@pytest.fixture
def gutang(db):
    return SubdistrictFactory(code="gutang", name="古塘")


@pytest.fixture
def staff_hushan(hushan):
    return UserFactory(username="staff_hushan", subdistrict=hushan, roles=[Role.SUBDISTRICT_STAFF])


@pytest.fixture
def staff_gutang(gutang):
    return UserFactory(username="staff_gutang", subdistrict=gutang, roles=[Role.SUBDISTRICT_STAFF])


@pytest.fixture
def user_with_role(db):
    """Make a user holding one role, in the department that role usually sits in."""

    def make(role: str, **kwargs):
        return UserFactory(roles=[role], **kwargs)

    return make


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory) -> Path:
    """A 300 KB workbook whose first sheet unpacks to 300 MB, built once per run."""
    from .hostile_files import MIB, write_zip_bomb

    return write_zip_bomb(tmp_path_factory.mktemp("bomb") / "register.xlsx", unpacked=300 * MIB)
