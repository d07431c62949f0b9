"""The supervision report built by a real Celery worker on Redis, not in-process."""

import time

import pytest
from openpyxl import load_workbook

from communities import outbox
from communities.choices import OutboxState
from communities.models import Heartbeat, OutboxItem
from operations import services
from operations.choices import ReportState
from operations.models import SupervisionReport
from operations.report import section
from operations.tasks import build_supervision_report
from tests.celery_helpers import broker, redis_url, worker
from tests.factories import UserFactory

from .reportdata import PERIOD, build_city

REDIS_DB = 3  # the operations app's own Redis database


@pytest.fixture
def celery_worker_on_redis(settings):
    with broker(settings, redis_url(REDIS_DB)), worker() as running:
        yield running


def wait_for_report(pk: int, timeout: float = 60) -> SupervisionReport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = SupervisionReport.objects.get(pk=pk)
        if not report.is_active:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report {pk} still {report.state} after {timeout} s")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_report(celery_worker_on_redis, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    assessor = UserFactory(username="assessor", roles=["operations_assessor"])
    supervisor = UserFactory(username="supervisor", roles=["supervisor"])
    build_city(assessor)

    report, created = services.supervision_report_request(actor=supervisor, period=PERIOD)
    assert created

    report = wait_for_report(report.pk)
    assert report.state == ReportState.DONE, report.error
    assert report.progress == 100
    assert report.requested_by == supervisor
    supervise = {(r[0], r[1]) for r in section(report.summary, "supervise")["rows"]}
    assert ("古塘", "考核不合格") in supervise
    assert report.file_path.is_relative_to(tmp_path)
    book = load_workbook(report.file_path)
    assert "督导名单" in book.sheetnames

    # The job really went through Redis to a worker: it ran it from its outbox item.
    item = OutboxItem.objects.get(job=outbox.job_path(build_supervision_report))
    assert item.state == OutboxState.DONE and item.attempts == 1
    assert Heartbeat.objects.filter(name="worker").exists()
