"""With the broker's port closed, users' actions succeed and say what is queued; once a broker
and a real worker are back, the sweeper delivers everything, each exactly once."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities import outbox
from communities.choices import EmailState, OutboxState
from communities.models import Notification, OutboxItem
from communities.roles import Role
from funding.choices import ExportState
from funding.models import DisbursementExport
from operations.choices import ReportState
from operations.models import SupervisionReport
from projects.models import GapFillingPlan
from tests.celery_helpers import CLOSED_BROKER, broker, redis_url, worker
from tests.factories import (
    CommunityFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    UserFactory,
)

REDIS_DB = 6  # the outbox tests' own Redis database


def post(client, user, url, data=None):
    client.force_login(user)
    started = time.monotonic()
    response = client.post(url, data or {}, follow=True)
    return response, time.monotonic() - started


def wait_until_delivered(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not OutboxItem.objects.exclude(state=OutboxState.DONE).exists():
            return
        time.sleep(0.2)
    left = list(OutboxItem.objects.exclude(state=OutboxState.DONE).values("job", "state"))
    raise AssertionError(f"still undelivered after {timeout} s: {left}")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_sweeper_delivers_what_a_closed_broker_could_not_take(
    client, settings, tmp_path, hushan, mailoutbox
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    staff = UserFactory(username="staff", subdistrict=hushan, roles=[Role.SUBDISTRICT_STAFF])
    approver = UserFactory(username="approver", roles=[Role.TASKFORCE_APPROVER])
    supervisor = UserFactory(username="supervisor", roles=[Role.SUPERVISOR])
    finance = UserFactory(username="finance", roles=[Role.FINANCE_OFFICER])
    plan = GapFillingPlanFactory(community=CommunityFactory(subdistrict=hushan), created_by=staff)
    PlanLineItemFactory(plan=plan, investment=Decimal("1260000.00"))

    # given the broker's port is closed
    with broker(settings, CLOSED_BROKER):
        # when staff submit, the supervisor asks for a report and finance for a sheet
        submitted, submit_took = post(
            client, staff, reverse("projects:plan_action", args=[plan.pk, "submit"])
        )
        requested, request_took = post(
            client, supervisor, reverse("operations:report_request"), {"period": "2025-06"}
        )
        exported, export_took = post(client, finance, reverse("funding:export_create"))

    # then each action stands and its page says what is queued, at once
    for response in (submitted, requested, exported):
        assert response.status_code == 200
        assert "后台任务可用时即开始" in response.content.decode()
    assert max(submit_took, request_took, export_took) < 10
    assert GapFillingPlan.objects.get().state == "submitted"
    assert SupervisionReport.objects.get().state == ReportState.QUEUED
    assert DisbursementExport.objects.get().state == ExportState.PENDING
    queued = OutboxItem.objects.all()
    assert set(queued.values_list("state", "attempts")) == {(OutboxState.PENDING, 1)}
    queued_ids = list(queued.values_list("pk", flat=True))
    assert not mailoutbox

    # when a broker and a real worker are back and the sweeper runs once the wait is over
    OutboxItem.objects.update(available_at=timezone.now() - timedelta(seconds=1))
    with broker(settings, redis_url(REDIS_DB)), worker():
        counts = outbox.sweep()
        assert counts["sent"] == 3
        wait_until_delivered()
        # a later sweep finds nothing more to send
        assert outbox.sweep() == {"requeued": 0, "lost": 0, "sent": 0, "failed_to_send": 0}

    # then the notification went out, the report and the sheet were built, each exactly once
    # (and the supervisor heard that the report is ready)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [approver.email, supervisor.email]
    )
    assert Notification.objects.get(recipient=approver).email_state == EmailState.SENT
    report = SupervisionReport.objects.get()
    assert report.state == ReportState.DONE and report.file_path.is_file()
    export = DisbursementExport.objects.get()
    assert export.state == ExportState.DONE
    delivered = OutboxItem.objects.filter(pk__in=queued_ids)
    assert set(delivered.values_list("state", "attempts")) == {(OutboxState.DONE, 2)}
    assert len(mail.outbox) == 2
