"""Building supervision reports: on request, monthly, from the command line; failures
recorded and retried; never two builds of one month at once."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from communities.roles import Role
from operations import services, tasks
from operations.choices import ReportState
from operations.models import SupervisionReport
from operations.selectors import previous_month, worklist_for


def test_a_requested_report_is_built_after_commit(
    supervisor, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report, created = services.supervision_report_request(actor=supervisor, period="2025-06")
    assert created and report.state == ReportState.QUEUED
    assert len(callbacks) == 1  # the task is queued only once the request has committed
    callbacks[0]()
    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert report.progress == 100
    assert report.started_at and report.finished_at
    assert {s["key"] for s in report.summary["sections"]} >= {"starts", "praise", "supervise"}
    assert report.file_path.is_file()
    assert report.file_path.is_relative_to(media_root)
    load_workbook(report.file_path)


def test_only_the_supervisor_requests_reports(user_with_role):
    with pytest.raises(PermissionDenied):
        services.supervision_report_request(
            actor=user_with_role(Role.TASKFORCE_APPROVER), period="2025-06"
        )


def test_a_second_request_for_the_month_joins_the_running_one(
    supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, created_first = services.supervision_report_request(
            actor=supervisor, period="2025-06"
        )
        second, created_second = services.supervision_report_request(
            actor=supervisor, period="2025-06"
        )
        other, created_other = services.supervision_report_request(
            actor=supervisor, period="2025-05"
        )
    assert created_first and not created_second and created_other
    assert second.pk == first.pk
    assert len(callbacks) == 2


def test_the_database_refuses_two_active_reports_for_one_month(db):
    SupervisionReport.objects.create(period="2025-06")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionReport.objects.create(period="2025-06", state=ReportState.QUEUED)
    # A finished report does not block a new one.
    SupervisionReport.objects.filter(period="2025-06").update(state=ReportState.DONE)
    SupervisionReport.objects.create(period="2025-06")


def test_a_build_runs_once(supervisor, media_root):
    report = SupervisionReport.objects.create(period="2025-06", requested_by=supervisor)
    assert services.supervision_report_build(report_id=report.pk).state == ReportState.DONE
    assert services.supervision_report_build(report_id=report.pk) is None


def test_a_failure_is_recorded_and_can_be_retried(
    supervisor, media_root, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor.email = "supervisor@example.org"
    supervisor.save()

    def broken(**kwargs):
        raise RuntimeError("the plans table is unreachable")

    monkeypatch.setattr(services, "build_report", broken)
    with django_capture_on_commit_callbacks(execute=True):
        failed, _created = services.supervision_report_request(actor=supervisor, period="2025-06")
    failed.refresh_from_db()
    assert failed.state == ReportState.FAILED
    assert "RuntimeError: the plans table is unreachable" in failed.error
    assert failed.finished_at is not None
    [mail] = mailoutbox
    assert mail.to == ["supervisor@example.org"] and "2025-06" in mail.subject
    assert "失败" in mail.subject

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retried, created = services.supervision_report_retry(actor=supervisor, report=failed)
    retried.refresh_from_db()
    assert created and retried.pk != failed.pk
    assert retried.state == ReportState.DONE
    assert SupervisionReport.objects.get(pk=failed.pk).state == ReportState.FAILED


def test_the_monthly_task_asks_for_the_month_before(
    supervisor, media_root, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor.email = "supervisor@example.org"
    supervisor.save()
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        pk = tasks.request_monthly_supervision_report()
    report = SupervisionReport.objects.get(pk=pk)
    assert report.period == "2025-12"
    assert report.requested_by is None
    assert report.state == ReportState.DONE  # eager in tests: built at once
    # No one asked, so every supervisor hears that the month's report is ready.
    assert [(m.to, "2025-12" in m.subject) for m in mailoutbox] == [
        (["supervisor@example.org"], True)
    ]


def test_previous_month():
    assert previous_month(date(2025, 7, 1)) == "2025-06"
    assert previous_month(date(2025, 1, 31)) == "2024-12"


def test_beat_runs_the_report_monthly(settings):
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "operations.tasks.request_monthly_supervision_report"
    )
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1}
    assert len(schedule.month_of_year) == 12


def test_the_command_builds_synchronously(db, media_root, tmp_path):
    out = tmp_path / "report.xlsx"
    call_command("supervision_report", period="2025-06", out=out)
    report = SupervisionReport.objects.get()
    assert report.state == ReportState.DONE
    assert out.read_bytes() == report.file_path.read_bytes()
    assert "补短板年度启动情况" in load_workbook(out).sheetnames


def test_the_command_refuses_a_bad_month(db):
    with pytest.raises(CommandError):
        call_command("supervision_report", period="2025-13")


def test_a_recent_build_still_blocks_the_month(supervisor):
    running = SupervisionReport.objects.create(period="2025-06")
    SupervisionReport.objects.filter(pk=running.pk).update(
        state=ReportState.RUNNING, started_at=timezone.now() - timedelta(minutes=5)
    )
    report, created = services.supervision_report_request(actor=supervisor, period="2025-06")
    assert not created and report.pk == running.pk


def test_a_failed_month_leaves_the_supervisors_to_do_list_once_rebuilt(supervisor):
    def failed(period):
        return SupervisionReport.objects.create(period=period, state=ReportState.FAILED)

    failed("2025-05")
    failed("2025-05")
    failed("2025-06")
    assert worklist_for(supervisor)[0].count == 2  # months, not attempts
    SupervisionReport.objects.create(period="2025-06", state=ReportState.QUEUED)
    assert worklist_for(supervisor)[0].count == 1
    SupervisionReport.objects.create(period="2025-05", state=ReportState.DONE)
    assert worklist_for(supervisor) == []


def test_the_command_refuses_a_month_already_building(db, supervisor):
    services.supervision_report_request(actor=supervisor, period="2025-06")
    with pytest.raises(CommandError, match="2025-06"):
        call_command("supervision_report", period="2025-06")
    assert SupervisionReport.objects.count() == 1


def test_a_month_that_has_not_begun_cannot_be_reported(supervisor):
    next_year = timezone.localdate().year + 1
    with pytest.raises(ValidationError) as caught:
        services.supervision_report_request(actor=supervisor, period=f"{next_year}-01")
    assert "period" in caught.value.error_dict
    this_month = timezone.localdate().strftime("%Y-%m")
    report, created = services.supervision_report_request(actor=supervisor, period=this_month)
    assert created and report.period == this_month


def test_the_report_list_of_the_api_leaves_the_summaries_to_the_detail(
    client, supervisor, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.supervision_report_request(actor=supervisor, period="2025-06")
    client.force_login(supervisor)
    listed = client.get("/api/supervision-reports/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [report.pk]
    assert "summary" not in rows[0]
    detail = client.get(f"/api/supervision-reports/{report.pk}/").json()
    assert {s["key"] for s in detail["summary"]["sections"]} >= {"starts", "praise", "supervise"}


def test_the_report_page_folds_long_sections_and_pages_the_opened_one(
    client, supervisor, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.supervision_report_request(actor=supervisor, period="2025-06")
    report.refresh_from_db()
    long = {
        "key": "long",
        "title": "long",
        "columns": ["name"],
        "kinds": ["text"],
        "rows": [[f"row-{n:03d}"] for n in range(250)],
    }
    report.summary = {**report.summary, "sections": [long], "translations": {}}
    report.save(update_fields=["summary"])
    client.force_login(supervisor)
    url = report.get_absolute_url()
    folded = client.get(url).content.decode()
    assert "row-009" in folded and "row-010" not in folded
    assert "?section=long" in folded
    second = client.get(url, {"section": "long", "page": 2}).content.decode()
    assert "row-100" in second and "row-199" in second
    assert "row-099" not in second and "row-200" not in second
