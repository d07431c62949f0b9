"""Several hosts: any number of workers share one broker and one database, and however many
beats are started, one sends. A month's scheduled report is built once."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import redis
from django.db import connection

from cixi_portal.beat import LOCK_NAME, SingleBeatScheduler
from cixi_portal.celery import app
from communities.models import OutboxItem
from operations import tasks
from operations.choices import ReportState
from operations.models import SupervisionReport
from operations.selectors import previous_month
from tests.celery_helpers import broker, redis_url

REDIS_DB = 7  # these tests' own Redis database
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_monthly_schedule_asks_once_however_often_its_message_arrives(
    monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.request_monthly_supervision_report()
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.request_monthly_supervision_report()
    assert again == first
    assert SupervisionReport.objects.filter(period="2025-12").count() == 1

    # A failed report does not count: the next message asks for the month again.
    SupervisionReport.objects.filter(pk=first).update(state=ReportState.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        retried = tasks.request_monthly_supervision_report()
    assert retried != first
    assert SupervisionReport.objects.get(pk=retried).state == ReportState.DONE


@pytest.fixture
def beat_redis(settings):
    url = redis_url(REDIS_DB)
    settings.REDIS_URL = url
    client = redis.Redis.from_url(url)
    client.delete(LOCK_NAME)
    yield client
    client.delete(LOCK_NAME)


def scheduler(tmp_path, name: str) -> SingleBeatScheduler:
    return SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / name), lazy=True)


@pytest.mark.redis
def test_only_the_beat_holding_the_lock_sends(beat_redis, tmp_path, monkeypatch):
    one, two = scheduler(tmp_path, "one"), scheduler(tmp_path, "two")
    assert one.holds_lock() and one.holds_lock()  # taken, then renewed
    assert not two.holds_lock()
    sent = []
    monkeypatch.setattr(SingleBeatScheduler, "apply_entry", lambda self, *a, **k: sent.append(self))
    # The beat standing by sends nothing and checks again within a third of the lock's life.
    assert two.tick() == two.max_interval <= two.lock_seconds / 3
    assert sent == []
    # The holder stops: the other takes over at its next check.
    one.close()
    assert two.holds_lock()
    assert not one.holds_lock()


@pytest.mark.redis
def test_a_beat_whose_host_stopped_is_replaced_when_its_lock_lapses(beat_redis, tmp_path, settings):
    settings.BEAT_LOCK_SECONDS = 1
    one, two = scheduler(tmp_path, "one"), scheduler(tmp_path, "two")
    assert one.holds_lock()
    assert not two.holds_lock()
    time.sleep(1.3)  # the host of "one" stopped renewing
    assert two.holds_lock()
    assert not one.holds_lock()  # back, it stands by: never two beats at once


def test_a_beat_that_cannot_reach_redis_sends_nothing(settings, tmp_path, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    beat = scheduler(tmp_path, "alone")
    sent = []
    monkeypatch.setattr(SingleBeatScheduler, "apply_entry", lambda self, *a, **k: sent.append(1))
    assert not beat.holds_lock()
    assert beat.tick() == beat.max_interval and sent == []


def test_celery_uses_the_single_beat_scheduler(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "cixi_portal.beat:SingleBeatScheduler"
    assert app.conf.beat_scheduler == "cixi_portal.beat:SingleBeatScheduler"


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def start_workers(count: int, media: Path) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cixi_portal.settings.base",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url(REDIS_DB),
        "PRIVATE_MEDIA_ROOT": str(media),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    celery = [sys.executable, "-m", "celery", "-A", "cixi_portal", "worker"]
    return [
        subprocess.Popen(
            [*celery, "--pool=solo", "--concurrency=1", f"--hostname=host{n}@%h", "-l", "WARNING"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"{what} after {timeout} s")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_on_one_broker_build_a_months_report_once(settings, tmp_path):
    period = previous_month(date.today())
    with broker(settings, redis_url(REDIS_DB)):
        workers = start_workers(2, tmp_path)
        try:
            wait_until(
                lambda: len(app.control.ping(timeout=1)) == 2, 90, "two workers did not answer"
            )
            # The month's message arrives several times (a beat restarted, a message redelivered);
            # both workers take some of them at once.
            for _ in range(4):
                tasks.request_monthly_supervision_report.delay()
            report = wait_until(
                lambda: (
                    SupervisionReport.objects.filter(period=period, state=ReportState.DONE)
                    .exclude(pk__in=SupervisionReport.objects.active().values("pk"))
                    .first()
                ),
                120,
                "no report was built",
            )
            time.sleep(2)  # a second build, were there one, would have been asked for by now
        finally:
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(30)
    assert list(SupervisionReport.objects.filter(period=period)) == [report]
    builds = OutboxItem.objects.filter(job="operations.tasks.build_supervision_report")
    assert [(item.state, item.attempts) for item in builds] == [("done", 1)]
