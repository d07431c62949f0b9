"""The three-year plan table: written in the request while small; once it has more rows than
PLAN_TABLE_DIRECT_ROWS, asked for from the list, written by a background job with its progress
on a page only its requester opens, and queued (never an error page) when the broker is down."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from communities import outbox, tasks
from communities.choices import OutboxState
from communities.models import OutboxItem
from communities.roles import Role
from funding.choices import ExportState
from projects import export as plan_table_sheet
from projects import services
from projects.models import PlanTableExport
from projects.plan_tables import build_export, export_give_up, export_requeue, plan_table_path
from tests.factories import CommunityFactory, FutureCommunityProjectFactory, UserFactory

TITLE = "慈溪市未来社区创建三年计划表（2023—2025）"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def broker_down(monkeypatch):
    """Every hand-over to the broker fails as an unreachable Redis does."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.run_outbox_item, "apply_async", refuse)


def projects_in(subdistrict, count: int, **fields):
    return [
        FutureCommunityProjectFactory(
            community=CommunityFactory(subdistrict=subdistrict, route="future"), **fields
        )
        for _ in range(count)
    ]


def rows_of(content: bytes) -> list[tuple]:
    """The project rows of a written table: below the title and headings, above the total."""
    sheet = load_workbook(BytesIO(content)).active
    assert sheet["A1"].value == TITLE
    return list(sheet.iter_rows(min_row=3, values_only=True))[:-1]


def ask_for_the_table(client, user, query="", **headers):
    client.force_login(user)
    return client.post(reverse("projects:plan_table_create"), {"query": query}, **headers)


def test_a_table_under_the_threshold_is_written_in_the_request(client, approver, hushan, settings):
    # given three projects, below the threshold
    settings.PLAN_TABLE_DIRECT_ROWS = 3
    projects_in(hushan, 2, plan_year=2024, creation_investment=Decimal("4500000"))
    projects_in(hushan, 1, plan_year=2025)
    client.force_login(approver)
    # when the list is opened, its button is a plain download link
    listed = client.get(reverse("projects:future_list"))
    assert not listed.context["plan_table_in_background"]
    assert reverse("projects:plan_table_create") not in listed.content.decode()
    # and the table of one year is asked for
    response = client.get(reverse("projects:future_export") + "?plan_year=2024")
    # then the workbook comes in the answer, with that year's rows
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response.content)
    assert [row[3] for row in rows] == ["2024年计划", "2024年计划"]
    assert rows[0][7] == 450
    assert not PlanTableExport.objects.exists()


def test_a_table_over_the_threshold_is_written_in_the_background_with_progress(
    client,
    staff_hushan,
    hushan,
    gutang,
    settings,
    media_root,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    # given more projects of the staff's own subdistrict than the threshold, and others
    settings.PLAN_TABLE_DIRECT_ROWS = 2
    projects_in(hushan, 3, plan_year=2024)
    projects_in(hushan, 1, plan_year=2025)
    projects_in(gutang, 2, plan_year=2024)
    client.force_login(staff_hushan)
    # when the staff open the list filtered by year, its button asks for the table
    listed = client.get(reverse("projects:future_list") + "?plan_year=2024")
    assert listed.context["plan_table_in_background"]
    assert reverse("projects:plan_table_create") in listed.content.decode()
    # (and the plain link of a smaller table no longer writes it in the request)
    direct = client.get(reverse("projects:future_export") + "?plan_year=2024")
    assert direct["Location"] == reverse("projects:future_list") + "?plan_year=2024"
    # and press it
    reported = []
    write = plan_table_sheet.three_year_plan_workbook

    def every_two_rows(projects, progress):
        def report(count):
            reported.append(count)
            progress(count)

        return write(projects, progress=report, every=2)

    monkeypatch.setattr("projects.plan_tables.three_year_plan_workbook", every_two_rows)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_the_table(client, staff_hushan, "plan_year=2024&page=1")
    # then the request answers with the table's page, and the job has written it
    export = PlanTableExport.objects.get()
    assert response["Location"] == reverse("projects:plan_table_detail", args=[export.pk])
    assert export.requested_by == staff_hushan and export.filters == {"plan_year": "2024"}
    assert export.state == ExportState.DONE and export.finished_at is not None
    assert (export.total_rows, export.rows_written) == (3, 3)
    # with its progress reported as the rows were written, every 2 and at the end
    assert reported == [2, 3]
    page = client.get(export.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "三年计划表" in page.content.decode()
    status = client.get(reverse("projects:plan_table_status", args=[export.pk])).json()
    assert status == {
        "state": "done",
        "state_label": "已完成",
        "percent": 100,
        "rows_written": 3,
        "total_rows": 3,
    }
    # and its file holds only the staff's own subdistrict's projects of that year
    download = client.get(reverse("projects:plan_table_download", args=[export.pk]))
    rows = rows_of(b"".join(download.streaming_content))
    assert len(rows) == 3 and {row[1] for row in rows} == {"浒山"}
    assert plan_table_path(export).parent.name == "plan-tables"


def test_progress_is_recorded_on_the_row_as_the_rows_are_written(
    staff_hushan, hushan, media_root, monkeypatch
):
    # given a queued table of five projects
    projects_in(hushan, 5)
    export = PlanTableExport.objects.create(requested_by=staff_hushan)
    seen = []
    written = plan_table_sheet.three_year_plan_workbook

    def watched(projects, progress):
        def record(count):
            progress(count)
            row = PlanTableExport.objects.get(pk=export.pk)
            seen.append((row.state, row.rows_written, row.total_rows, row.percent))

        return written(projects, progress=record, every=2)

    monkeypatch.setattr("projects.plan_tables.three_year_plan_workbook", watched)
    # when the job writes it
    build_export(export.pk)
    # then the row showed the rows written of the total while it ran
    assert seen == [
        ("running", 2, 5, 40),
        ("running", 4, 5, 80),
        ("running", 5, 5, 99),  # written, not yet saved: done only once the file is
    ]
    export.refresh_from_db()
    assert export.state == ExportState.DONE and export.percent == 100
    assert plan_table_path(export).is_file()


def test_only_the_requester_and_the_superuser_open_the_table(
    client,
    staff_hushan,
    approver,
    user_with_role,
    hushan,
    media_root,
    django_capture_on_commit_callbacks,
):
    # given a table a member of the subdistrict staff asked for, written
    projects_in(hushan, 2)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.plan_table_request(actor=staff_hushan, filters={}, filter_summary="")
    export.refresh_from_db()
    assert export.state == ExportState.DONE
    urls = [
        reverse(name, args=[export.pk])
        for name in ("projects:plan_table_detail", "projects:plan_table_status")
    ]
    download = reverse("projects:plan_table_download", args=[export.pk])
    # then its requester downloads it
    client.force_login(staff_hushan)
    assert len(rows_of(b"".join(client.get(download).streaming_content))) == 2
    # and anyone else, a city-wide reader too, finds no such table
    for other in (approver, user_with_role(Role.FINANCE_OFFICER)):
        client.force_login(other)
        for url in [*urls, download]:
            assert client.get(url).status_code == 404, (other, url)
        assert not PlanTableExport.objects.restrict(other).exists()
    # but the superuser does
    client.force_login(user_with_role(Role.SUPERVISOR, is_superuser=True))
    assert client.get(download).status_code == 200


def test_a_user_without_a_role_may_not_ask_for_a_table(client, db):
    response = ask_for_the_table(client, UserFactory(), "")

    assert response.status_code == 403
    assert not PlanTableExport.objects.exists()


# Real commits: on_commit runs inside the request, as it does in production.
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_stands_and_the_page_says_queued(
    db, client, broker_down, monkeypatch, media_root, settings, hushan
):
    # given a table over the threshold, and a broker that cannot be reached
    settings.PLAN_TABLE_DIRECT_ROWS = 1
    projects_in(hushan, 2)
    approver = UserFactory(roles=[Role.TASKFORCE_APPROVER])
    # when the task force asks for it
    response = ask_for_the_table(client, approver, "", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the answer is the table's page saying it is queued, no error
    assert response.status_code == 200
    page = response.content.decode()
    assert "三年计划表" in page and 'data-testid="export-queued"' in page
    # the request's message: saved, and what follows, by name, queued
    assert "已保存。以下事项已进入队列，后台任务可用时即开始：三年计划表。" in page
    export = PlanTableExport.objects.get()
    assert export.state == ExportState.PENDING
    item = OutboxItem.objects.get()
    assert (item.state, item.attempts, item.label) == (OutboxState.PENDING, 1, "三年计划表")
    assert "Connection refused" in item.last_error
    # and in English the page says the same
    english = client.get(export.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The table is queued; it starts when the worker is reachable" in english

    # when the broker is back and the sweeper finds the item due
    monkeypatch.undo()
    OutboxItem.objects.update(available_at=item.available_at - timedelta(days=1))
    assert outbox.sweep()["sent"] == 1
    # then the table is written, once
    export.refresh_from_db()
    assert export.state == ExportState.DONE and export.rows_written == 2
    assert outbox.sweep()["sent"] == 0


def test_a_failure_is_recorded_with_its_message_and_may_be_asked_for_again(
    client, staff_hushan, hushan, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    # given a writer that fails
    projects_in(hushan, 2)

    def broken(projects, progress):
        raise OSError("No space left on device")

    monkeypatch.setattr("projects.plan_tables.three_year_plan_workbook", broken)
    # when the staff ask for the table
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_the_table(client, staff_hushan, "")
    # then the failure and its message are on the row, and the page says it failed
    export = PlanTableExport.objects.get()
    assert export.state == ExportState.FAILED and export.finished_at is not None
    assert export.error == "OSError: No space left on device"
    page = client.get(export.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="export-error"' in page and "Try again" in page
    assert client.get(reverse("projects:plan_table_download", args=[export.pk])).status_code == 404
    # when the writer works again and the staff try again
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:plan_table_retry", args=[export.pk]))
    # then a new table with the same filters is written; the failed one stays as it was
    retried = PlanTableExport.objects.exclude(pk=export.pk).get()
    assert response["Location"] == retried.get_absolute_url()
    assert retried.state == ExportState.DONE and retried.rows_written == 2
    assert PlanTableExport.objects.get(pk=export.pk).state == ExportState.FAILED


def test_the_job_gives_up_on_the_row_after_the_last_try(staff_hushan, media_root):
    # given a table whose outbox item ran out of tries
    export = PlanTableExport.objects.create(requested_by=staff_hushan)
    # when the outbox gives up on it
    export_give_up(export_id=export.pk, error="the worker stopped answering")
    # then the row is failed with the reason; requeued, it waits again
    export.refresh_from_db()
    assert (export.state, export.error) == (ExportState.FAILED, "the worker stopped answering")
    export_requeue(export_id=export.pk)
    export.refresh_from_db()
    assert (export.state, export.error, export.finished_at) == (ExportState.PENDING, "", None)
