"""What the health check reports: the database, the broker, the worker, beat and the outbox."""

from dataclasses import dataclass
from datetime import timedelta

from celery import current_app as app
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import OutboxState
from .models import UNDELIVERED_STATES, Heartbeat, OutboxItem

OK, DEGRADED, DOWN = "ok", "degraded", "down"


@dataclass(frozen=True)
class Check:
    """One line of the health report."""

    name: str
    status: str
    detail: str


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 — an unreachable database is the finding
        return Check("database", DOWN, str(error))
    return Check("database", OK, connection.vendor)


def _eager() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def _broker() -> Check:
    if _eager():
        return Check("broker", OK, _("none: tasks run in-process"))
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001 — an unreachable broker is the finding
        return Check("broker", DEGRADED, str(error))
    return Check("broker", OK, app.conf.broker_url.split("@")[-1])


def _heartbeat(name: str, beats: dict) -> Check:
    if _eager():
        return Check(name, OK, _("none: tasks run in-process"))
    seen = beats.get(name)
    if seen is None:
        return Check(name, DEGRADED, _("never seen"))
    age = timezone.now() - seen
    limit = timedelta(seconds=settings.HEALTH_HEARTBEAT_LIMIT_SECONDS)
    status = OK if age <= limit else DEGRADED
    return Check(name, status, _("last seen %(seconds)d s ago") % {"seconds": age.total_seconds()})


def _outbox() -> Check:
    oldest = (
        OutboxItem.objects.filter(state__in=UNDELIVERED_STATES)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    failed = OutboxItem.objects.filter(state=OutboxState.FAILED).count()
    limit = timedelta(seconds=settings.HEALTH_OUTBOX_AGE_LIMIT_SECONDS)
    age = timezone.now() - oldest if oldest else timedelta(0)
    status = OK if age <= limit else DEGRADED
    detail = _("oldest undelivered item %(seconds)d s old; %(failed)d failed") % {
        "seconds": age.total_seconds(),
        "failed": failed,
    }
    return Check("outbox", status, detail)


def run_checks() -> list[Check]:
    """Every check, the database first; the others are skipped when it is down."""
    database = _database()
    if database.status == DOWN:
        return [database]
    beats = dict(Heartbeat.objects.values_list("name", "beat_at"))
    return [
        database,
        _broker(),
        _heartbeat("worker", beats),
        _heartbeat("beat", beats),
        _outbox(),
    ]


def overall(checks: list[Check]) -> str:
    """Down when any check is down, degraded when any is degraded, else ok."""
    statuses = {check.status for check in checks}
    for status in (DOWN, DEGRADED):
        if status in statuses:
            return status
    return OK
