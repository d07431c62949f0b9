"""The operations services' refusals word for word and on their field, and who each write is
recorded against: what the journeys in test_contracts and test_assessments leave open
(docs/mutation.md lists what each test was written against)."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation

from communities import outbox
from communities.models import Notification, OutboxItem
from communities.roles import Role
from operations import services
from operations.choices import Grade, ReportState
from operations.models import (
    OperatingContract,
    OperationsAssessment,
    SatisfactionScore,
    SupervisionReport,
)
from tests.factories import CommunityFactory, FacilityFactory, FutureCommunityProjectFactory
from tests.funding.factories import confirmed_assessment

from .factories import ContractFactory, OperatorFactory
from .test_contracts import terms


def refused(call):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_staff_may_not_change_an_operator_that_also_works_for_another_subdistrict(
    staff_hushan, hushan, gutang
):
    operator = OperatorFactory(name="甲机构")
    ContractFactory(operator=operator, subdistrict=hushan)
    ContractFactory(operator=operator, subdistrict=gutang)

    with translation.override("en"), pytest.raises(PermissionDenied) as caught:
        services.operator_update(actor=staff_hushan, operator=operator, fields={"name": "乙机构"})

    assert str(caught.value) == (
        "This operator also works for other subdistricts; ask the operations assessor to "
        "change its details."
    )
    operator.refresh_from_db()
    assert operator.name == "甲机构"


def test_a_contract_without_facilities_is_refused_on_its_facilities(staff_hushan, hushan):
    def sign():
        services.contract_create(
            actor=staff_hushan,
            subdistrict=hushan,
            facilities=[],
            fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
        )

    assert refused(sign) == {"facilities": ["Choose at least one facility."]}
    assert not OperatingContract.objects.exists()


def test_another_subdistricts_facilities_are_named_on_the_facilities_field(
    assessor, hushan, gutang
):
    own = FacilityFactory(community=CommunityFactory(subdistrict=hushan), name="浒山站")
    first = FacilityFactory(community=CommunityFactory(subdistrict=gutang), name="古塘一站")
    second = FacilityFactory(community=CommunityFactory(subdistrict=gutang), name="古塘二站")

    def sign():
        services.contract_create(
            actor=assessor,
            subdistrict=hushan,
            facilities=[own, first, second],
            fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
        )

    assert refused(sign) == {
        "facilities": ["These facilities are not in 浒山: 古塘一站, 古塘二站."]
    }


def test_an_overlap_names_only_the_facilities_asked_for_that_are_already_let(assessor, hushan):
    community = CommunityFactory(subdistrict=hushan)
    first, second, not_asked, free = (
        FacilityFactory(community=community, name=name) for name in ("甲站", "乙站", "丙站", "丁站")
    )
    operator = OperatorFactory(name="丁机构")
    services.contract_create(
        actor=assessor,
        subdistrict=hushan,
        facilities=[first, second, not_asked],
        fields=terms("2025-01-01", "2025-12-31", operator=operator, title="首份合同"),
    )

    def sign():
        services.contract_create(
            actor=assessor,
            subdistrict=hushan,
            facilities=[first, second, free],
            fields=terms("2025-06-01", "2026-05-31", operator=OperatorFactory()),
        )

    # In the facilities' own order (community, type, name).
    assert refused(sign) == {
        "facilities": [
            "乙站, 甲站 already run under “首份合同” (丁机构, 2025-01-01 – 2025-12-31), which "
            "overlaps this term."
        ]
    }
    assert OperatingContract.objects.count() == 1


def signed_by(staff):
    """A contract the staff sign through the service for one facility of their subdistrict."""
    facility = FacilityFactory(community=CommunityFactory(subdistrict=staff.subdistrict))
    contract = services.contract_create(
        actor=staff,
        subdistrict=staff.subdistrict,
        facilities=[facility],
        fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
    )
    return contract, facility


def test_a_contract_is_recorded_against_who_signed_and_who_changed_it(assessor, staff_hushan):
    contract, facility = signed_by(staff_hushan)
    services.contract_update(
        actor=assessor, contract=contract, facilities=[facility], fields={"title": "续签合同"}
    )

    history = list(contract.history.order_by("history_id"))
    assert history[0].history_type == "+" and history[0].history_user == staff_hushan
    assert history[-1].title == "续签合同" and history[-1].history_user == assessor
    assert {row.history_user for row in history} == {staff_hushan, assessor}


def test_an_assessment_drafted_without_comments_has_none(assessor):
    project = FutureCommunityProjectFactory(stage="named")
    assessment = confirmed_assessment(assessor, project, score=80, confirm=False)

    assessment.refresh_from_db()
    assert assessment.comments == ""


def test_an_assessment_of_both_or_neither_subject_is_refused(assessor):
    project = FutureCommunityProjectFactory(stage="named")
    contract = ContractFactory()

    for subjects in ({}, {"project": project, "contract": contract}):
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            services.assessment_create(actor=assessor, period="2025", scores={}, **subjects)
        assert caught.value.messages == [
            "Assess either a future community or an operating contract."
        ]
    assert not OperationsAssessment.objects.exists()


def test_a_duplicate_the_database_refuses_under_no_known_name_reads_as_one(assessor, monkeypatch):
    """Two drafts of one subject and period at once pass the form's check side by side; the
    database refuses the second, and the assessor reads why even when the error names no
    constraint the portal knows."""
    project = FutureCommunityProjectFactory(stage="named")

    def refuse(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "save_checked", refuse)

    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            confirmed_assessment(assessor, project, score=70, confirm=False)
        messages = caught.value.messages

    assert messages == ["This subject already has an assessment for the period."]
    assert not OperationsAssessment.objects.exists()


def test_a_confirmation_tells_the_subdistricts_staff_the_total_and_grade(assessor, user_with_role):
    project = FutureCommunityProjectFactory(stage="plan_reviewed")
    staff = user_with_role(Role.SUBDISTRICT_STAFF, subdistrict=project.community.subdistrict)

    assessment = confirmed_assessment(assessor, project, score=95)

    (notice,) = Notification.objects.filter(recipient=staff)
    with translation.override("zh-hans"):
        grade = str(Grade(assessment.grade).label)
    assert notice.body == f"总分 {assessment.total}，等次：{grade}。"


def test_an_entered_score_keeps_its_respondents(staff_hushan, hushan):
    community = CommunityFactory(subdistrict=hushan)

    services.satisfaction_record(
        actor=staff_hushan, community=community, period="2025-H1", score=D("88"), respondents=150
    )

    assert SatisfactionScore.objects.get(community=community).respondents == 150


def test_a_report_of_a_month_not_yet_begun_names_the_latest_month(supervisor):
    this_month = timezone.localdate().strftime("%Y-%m")
    next_year = timezone.localdate().year + 1

    def ask():
        services.supervision_report_request(actor=supervisor, period=f"{next_year}-01")

    assert refused(ask) == {
        "period": [f"A report covers a month that has begun; {this_month} is the latest."]
    }


def test_a_report_whose_job_cannot_be_written_is_not_left_queued(supervisor, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(outbox, "enqueue", fail)

    with pytest.raises(RuntimeError):
        services.supervision_report_request(
            actor=supervisor, period=timezone.localdate().strftime("%Y-%m")
        )

    assert not SupervisionReport.objects.exists()


def test_a_requested_report_is_queued_under_its_month_in_the_portals_language(supervisor):
    month = timezone.localdate().strftime("%Y-%m")

    report, created = services.supervision_report_request(actor=supervisor, period=month)

    (item,) = OutboxItem.objects.all()
    assert created and item.arguments == {"report_id": report.pk}
    assert item.label == f"{month} 督导报表"


def test_a_report_built_now_for_a_month_already_queued_is_refused(supervisor):
    month = timezone.localdate().strftime("%Y-%m")
    services.supervision_report_request(actor=supervisor, period=month)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.supervision_report_build_now(period=month)

    assert caught.value.messages == [f"A report for {month} is already queued or running."]
    assert SupervisionReport.objects.count() == 1


def test_a_report_whose_worker_died_is_queued_again_from_scratch(supervisor):
    month = timezone.localdate().strftime("%Y-%m")
    report, _created = services.supervision_report_request(actor=supervisor, period=month)
    SupervisionReport.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, progress=40, started_at=timezone.now(), error="stale"
    )

    services.supervision_report_requeue(report_id=report.pk)

    report.refresh_from_db()
    assert (report.state, report.progress, report.started_at, report.error) == (
        ReportState.QUEUED,
        0,
        None,
        "",
    )


def _running_report(supervisor):
    month = timezone.localdate().strftime("%Y-%m")
    report, _created = services.supervision_report_request(actor=supervisor, period=month)
    SupervisionReport.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, started_at=timezone.now(), progress=40
    )
    return report, month


def test_a_report_given_up_records_why_and_tells_its_requester(supervisor):
    report, month = _running_report(supervisor)

    services.supervision_report_give_up(report_id=report.pk, error="worker lost")

    report.refresh_from_db()
    assert report.state == ReportState.FAILED and report.finished_at is not None
    assert report.error == "多次尝试后仍未能生成报表：worker lost"
    (notice,) = Notification.objects.filter(recipient=supervisor)
    assert notice.subject == f"{month} 督导报表生成失败"
    assert notice.body == "错误信息已记录在报表页面，可在该页面重新生成。"


def test_a_report_not_running_is_not_given_up(supervisor):
    month = timezone.localdate().strftime("%Y-%m")
    report, _created = services.supervision_report_request(actor=supervisor, period=month)
    SupervisionReport.objects.filter(pk=report.pk).update(state=ReportState.DONE)

    services.supervision_report_give_up(report_id=report.pk, error="late")

    report.refresh_from_db()
    assert (report.state, report.error) == (ReportState.DONE, "")
    assert not Notification.objects.exists()


def test_a_build_that_fails_at_once_shows_it_had_started(
    supervisor, monkeypatch, media_root, caplog
):
    month = timezone.localdate().strftime("%Y-%m")
    report, _created = services.supervision_report_request(actor=supervisor, period=month)
    SupervisionReport.objects.filter(pk=report.pk).update(state=ReportState.QUEUED)

    def fail(**kwargs):
        raise RuntimeError("no figures")

    monkeypatch.setattr(services, "build_report", fail)

    services.supervision_report_build(report_id=report.pk)

    report.refresh_from_db()
    assert (report.state, report.progress) == (ReportState.FAILED, 5)
    assert report.error == "RuntimeError: no figures"
    assert f"Supervision report {report.pk} failed" in caplog.messages


def _queued_report(supervisor):
    month = timezone.localdate().strftime("%Y-%m")
    report, _created = services.supervision_report_request(actor=supervisor, period=month)
    return report


def test_a_build_records_its_progress_and_writes_the_other_languages_too(
    supervisor, monkeypatch, media_root
):
    report = _queued_report(supervisor)
    asked = {}

    def halfway(*, period, progress, languages):
        asked["languages"] = languages
        progress(50)
        raise RuntimeError("stopped halfway")

    monkeypatch.setattr(services, "build_report", halfway)

    services.supervision_report_build(report_id=report.pk)

    report.refresh_from_db()
    assert asked["languages"] == ("en",)
    assert (report.state, report.progress) == (ReportState.FAILED, 50)


def test_a_report_is_written_into_a_folder_an_earlier_report_made(
    supervisor, monkeypatch, media_root
):
    (media_root / "supervision").mkdir(parents=True)
    report = _queued_report(supervisor)
    monkeypatch.setattr(services, "build_report", lambda **kwargs: {"sections": []})
    monkeypatch.setattr(services, "report_workbook", lambda summary: b"workbook")

    services.supervision_report_build(report_id=report.pk)

    report.refresh_from_db()
    assert report.state == ReportState.DONE, report.error
    assert (media_root / "supervision" / report.file_name).read_bytes() == b"workbook"
    (notice,) = Notification.objects.filter(recipient=supervisor)
    assert notice.subject == f"{report.period} 督导报表已生成"
    assert notice.body == "报表及其 Excel 文件已可在平台查看。"


def test_a_run_the_sweeper_replaced_leaves_the_report_to_the_new_run(
    supervisor, monkeypatch, media_root, caplog
):
    report = _queued_report(supervisor)
    monkeypatch.setattr(services, "build_report", lambda **kwargs: {"sections": []})
    monkeypatch.setattr(services, "report_workbook", lambda summary: b"workbook")
    monkeypatch.setattr(services.outbox, "run_is_current", lambda: False)

    assert services.supervision_report_build(report_id=report.pk) is None

    report.refresh_from_db()
    assert report.state == ReportState.RUNNING and report.file_name == ""
    assert f"Supervision report {report.pk}: a newer run replaced this one" in caplog.messages
    assert not Notification.objects.exists()
