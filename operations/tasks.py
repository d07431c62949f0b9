"""Background work of the operations app: building supervision reports, monthly and on demand."""

from celery import shared_task
from django.utils import timezone

from communities import outbox

from . import selectors, services


@outbox.job(
    requeue=services.supervision_report_requeue, give_up=services.supervision_report_give_up
)
def build_supervision_report(*, report_id: int) -> str | None:
    """Build one queued supervision report (an outbox job); returns its final state."""
    report = services.supervision_report_build(report_id=report_id)
    return report.state if report else None


@shared_task
def request_monthly_supervision_report() -> int:
    """Queue the report of the month that just ended (run by beat on the 1st of each month),
    unless that month has one built or under way: the schedule asks once a month, however often
    its message arrives."""
    period = selectors.previous_month(timezone.localdate())
    report = selectors.scheduled_report_of(period)
    if report is None:
        report, _created = services.supervision_report_request(actor=None, period=period)
    return report.pk
