"""The supervision report built by a real Celery worker on Redis, not in-process."""

import json
import os
import time
from urllib.parse import urlparse, urlunparse

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from openpyxl import load_workbook

from cixi_portal.celery import app
from operations import services
from operations.choices import ReportState
from operations.models import SupervisionReport
from operations.report import section
from tests.factories import UserFactory

from .reportdata import PERIOD, build_city

REDIS_DB = 3  # the operations app's own Redis database


def redis_url() -> str:
    parsed = urlparse(os.environ["REDIS_URL"])
    return urlunparse(parsed._replace(path=f"/{REDIS_DB}"))


def reset_connections() -> None:
    """Drop the app's cached broker pools and result backend so new settings take effect."""
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@pytest.fixture
def celery_worker_on_redis(settings):
    url = redis_url()
    redis.Redis.from_url(url).flushdb()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    reset_connections()
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        reset_connections()


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

    # The task really went through Redis: the worker stored its result there (beside those of
    # the notification e-mails it queued).
    store = redis.Redis.from_url(redis_url())
    results = [json.loads(store.get(key)) for key in store.keys("celery-task-meta-*")]
    assert ("SUCCESS", ReportState.DONE) in [(r["status"], r["result"]) for r in results]
