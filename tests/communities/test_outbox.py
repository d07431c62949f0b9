"""The outbox: what follows a change is written with it, sent after commit, and re-sent by the
sweeper when the broker, the mail server or a worker let it down."""

import smtplib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from communities import outbox, tasks
from communities.choices import EmailState, OutboxState
from communities.models import Notification, OutboxItem
from communities.notifications import deliver_notification_email, notify_users
from communities.roles import Role
from funding.choices import ExportState
from funding.models import DisbursementExport
from operations import services as operations_services
from operations.choices import ReportState
from operations.models import SupervisionReport
from operations.tasks import build_supervision_report
from tests.factories import (
    CommunityFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    UserFactory,
)


@pytest.fixture
def broker_down(monkeypatch):
    """Every hand-over to the broker fails as an unreachable Redis does."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.run_outbox_item, "apply_async", refuse)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def draft_plan(staff):
    plan = GapFillingPlanFactory(
        community=CommunityFactory(subdistrict=staff.subdistrict), created_by=staff
    )
    PlanLineItemFactory(plan=plan, investment=Decimal("1260000.00"))
    return plan


def overdue(item: OutboxItem) -> None:
    OutboxItem.objects.filter(pk=item.pk).update(available_at=timezone.now() - timedelta(hours=2))


# Written with the change ------------------------------------------------------------------


def test_a_notification_is_written_with_the_change_and_not_without_it(db):
    user = UserFactory(email="a@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_users(recipients=[user], subject="s", body="b")
        raise RuntimeError("the change fails")
    assert not Notification.objects.exists()
    assert not OutboxItem.objects.exists()


def test_a_committed_notification_gives_an_inbox_entry_and_an_email(
    db, django_capture_on_commit_callbacks
):
    with_address = UserFactory(email="a@example.org")
    without = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(recipients=[with_address, without], subject="方案已提交", body="b", link="/x/")
    assert Notification.objects.filter(recipient=without, email_state=EmailState.NONE).exists()
    sent = Notification.objects.get(recipient=with_address)
    assert sent.email_state == EmailState.SENT
    [message] = mail.outbox
    assert message.to == ["a@example.org"] and message.subject == "方案已提交"
    assert message.body.endswith("/x/")
    assert OutboxItem.objects.get().state == OutboxState.DONE


def test_a_job_must_be_declared():
    with pytest.raises(ValueError):
        outbox.enqueue(print, label="x")


# The broker is down -----------------------------------------------------------------------


# Real commits: on_commit runs inside the request, as it does in production.
@pytest.mark.django_db(transaction=True)
def test_a_submit_with_the_broker_down_succeeds_and_says_the_email_is_queued(
    client, staff_hushan, broker_down, django_capture_on_commit_callbacks
):
    staff = staff_hushan
    UserFactory(roles=[Role.TASKFORCE_APPROVER], email="approver@example.org")
    plan = draft_plan(staff)
    client.force_login(staff)
    response = client.post(reverse("projects:plan_action", args=[plan.pk, "submit"]), follow=True)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.state == "submitted"
    page = response.content.decode()
    assert "队列" in page and "通知邮件" in page
    item = OutboxItem.objects.get()
    assert item.state == OutboxState.PENDING
    assert item.attempts == 1 and "Connection refused" in item.last_error
    assert item.available_at > timezone.now()
    assert not mail.outbox


# Real commits: on_commit runs inside the request, as it does in production.
@pytest.mark.django_db(transaction=True)
def test_a_report_request_with_the_broker_down_answers_queued(
    db, client, broker_down, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    client.force_login(supervisor)
    response = client.post(
        reverse("operations:report_request"),
        {"period": "2025-06"},
        follow=True,
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "it starts when the worker is reachable" in page
    assert "the supervision report of 2025-06" in page
    report = SupervisionReport.objects.get()
    assert report.state == ReportState.QUEUED

    # The broker comes back: the sweeper builds it, once, without anyone asking again.
    overdue(OutboxItem.objects.get())
    monkeypatch.undo()
    counts = outbox.sweep()
    assert counts["sent"] == 1
    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert outbox.sweep()["sent"] == 0


# Real commits: on_commit runs inside the request, as it does in production.
@pytest.mark.django_db(transaction=True)
def test_an_export_request_with_the_broker_down_answers_queued(
    db, client, broker_down, media_root, django_capture_on_commit_callbacks
):
    finance = UserFactory(roles=[Role.FINANCE_OFFICER])
    client.force_login(finance)
    response = client.post(reverse("funding:export_create"), {"query": ""}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "拨付表" in page and "队列" in page
    assert DisbursementExport.objects.get().state == ExportState.PENDING


def test_the_sweeper_backs_off_and_gives_up_after_the_last_try(
    db, broker_down, settings, media_root
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    report, _created = operations_services.supervision_report_request(
        actor=supervisor, period="2025-06"
    )
    item = OutboxItem.objects.get()
    # Each failed try waits twice as long as the one before.
    waits = []
    for _try in range(2):
        overdue(item)
        before = timezone.now()
        outbox.sweep()
        item.refresh_from_db()
        waits.append(item.available_at - before)
    assert item.state == OutboxState.PENDING
    assert waits[1] > waits[0] * 1.9
    overdue(item)
    outbox.sweep()
    item.refresh_from_db()
    assert item.state == OutboxState.FAILED and item.attempts == 3
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert "Connection refused" in report.error
    # A failed month can be asked for again.
    retried, created = operations_services.supervision_report_retry(actor=supervisor, report=report)
    assert created and retried.state == ReportState.QUEUED


def test_backoff_doubles_up_to_its_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    assert [outbox.backoff(n).total_seconds() for n in range(1, 7)] == [
        60,
        120,
        240,
        480,
        600,
        600,
    ]


# The mail server refuses ------------------------------------------------------------------


def test_a_refusing_mail_server_is_tried_again_and_never_reaches_the_user(
    db, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    user = UserFactory(email="a@example.org")

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("communities.notifications.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(recipients=[user], subject="s", body="b")
    item = OutboxItem.objects.get()
    assert item.state == OutboxState.PENDING and "SMTPServerDisconnected" in item.last_error
    notification = Notification.objects.get()
    assert notification.email_state == EmailState.PENDING  # the inbox entry is there anyway

    overdue(item)
    outbox.sweep()
    item.refresh_from_db()
    assert item.state == OutboxState.FAILED and item.attempts == 2
    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED

    # Staff retry it from the admin once the server is back.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.retry(item=item)
    item.refresh_from_db()
    assert item.state == OutboxState.DONE
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert len(mail.outbox) == 1


# A worker dies ----------------------------------------------------------------------------


def start_and_die(report: SupervisionReport) -> OutboxItem:
    """What a worker leaves behind when it dies mid-build: the item and the report running."""
    item = OutboxItem.objects.get(job=outbox.job_path(build_supervision_report))
    OutboxItem.objects.filter(pk=item.pk).update(
        state=OutboxState.RUNNING,
        attempts=item.attempts + 1,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    SupervisionReport.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, started_at=timezone.now() - timedelta(hours=1), progress=40
    )
    return item


def test_a_report_whose_worker_died_is_requeued_and_built(
    db, broker_down, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    report, _created = operations_services.supervision_report_request(
        actor=supervisor, period="2025-06"
    )
    item = start_and_die(report)

    monkeypatch.undo()  # the broker is back
    with django_capture_on_commit_callbacks(execute=True):
        counts = outbox.sweep()
    assert counts["requeued"] == 1
    report.refresh_from_db()
    assert report.state == ReportState.DONE and report.progress == 100
    item.refresh_from_db()
    assert item.state == OutboxState.DONE
    assert "no heartbeat" in item.last_error or item.last_error == ""


def test_a_recent_heartbeat_is_left_alone(db, broker_down, media_root):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    report, _created = operations_services.supervision_report_request(
        actor=supervisor, period="2025-06"
    )
    item = start_and_die(report)
    OutboxItem.objects.filter(pk=item.pk).update(heartbeat_at=timezone.now())
    assert outbox.sweep()["requeued"] == 0
    item.refresh_from_db()
    assert item.state == OutboxState.RUNNING


def test_a_report_whose_worker_died_on_the_last_try_fails_and_the_page_retries(
    db, client, broker_down, media_root, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    report, _created = operations_services.supervision_report_request(
        actor=supervisor, period="2025-06"
    )
    OutboxItem.objects.update(attempts=0, state=OutboxState.SENT)
    start_and_die(report)
    outbox.sweep()
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert "no heartbeat" in report.error

    monkeypatch.undo()
    client.force_login(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    retry = reverse("operations:report_retry", args=[report.pk])
    assert retry in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    rebuilt = SupervisionReport.objects.exclude(pk=report.pk).get()
    assert rebuilt.state == ReportState.DONE


def test_a_late_worker_does_not_overwrite_the_run_that_replaced_it(db, media_root):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    with transaction.atomic():
        report, _created = operations_services.supervision_report_request(
            actor=supervisor, period="2025-06"
        )
    item = OutboxItem.objects.get()
    # The first worker starts; the sweeper then takes it for dead and another run starts.
    item.state = OutboxState.RUNNING
    item.attempts = 1
    item.save()
    token = outbox._current_run.set((item.pk, 1))
    try:
        OutboxItem.objects.filter(pk=item.pk).update(attempts=2)
        assert not outbox.run_is_current()
        assert operations_services.supervision_report_build(report_id=report.pk) is None
    finally:
        outbox._current_run.reset(token)
    report.refresh_from_db()
    assert report.state != ReportState.DONE


def test_a_message_sent_twice_runs_once(db, django_capture_on_commit_callbacks):
    user = UserFactory(email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(recipients=[user], subject="s", body="b")
    item = OutboxItem.objects.get()
    assert outbox.run(item.pk) is False
    assert len(mail.outbox) == 1


def test_a_sent_item_no_worker_took_is_sent_again(db, settings, monkeypatch):
    user = UserFactory(email="a@example.org")
    monkeypatch.setattr(tasks.run_outbox_item, "apply_async", lambda *a, **k: None)
    with transaction.atomic():
        notify_users(recipients=[user], subject="s", body="b")
    item = OutboxItem.objects.get()
    outbox.dispatch(item.pk)
    item.refresh_from_db()
    assert item.state == OutboxState.SENT
    OutboxItem.objects.filter(pk=item.pk).update(sent_at=timezone.now() - timedelta(hours=1))
    assert outbox.sweep()["lost"] == 1
    item.refresh_from_db()
    assert item.state == OutboxState.PENDING and item.attempts == 1


def test_the_job_of_an_item_is_its_declared_function():
    assert outbox.job_path(deliver_notification_email) == (
        "communities.notifications.deliver_notification_email"
    )
