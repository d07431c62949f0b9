"""The future-community services in the portal's language: each refusal on its field in the
words a Chinese reader gets (names in a list joined by 、), what the task force and the
subdistrict are told of scenarios built and of the digital-plan review, and what each record
keeps when an optional input is left out."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.choices import FutureStage, Route
from communities.lifecycle import ILLEGAL
from communities.models import Department, Notification
from projects import services
from projects.models import FutureScenario, StatusChange
from tests.factories import CommunityFactory

from .test_future_steps import DAY, LATER, review
from .test_scenarios import PLAN, at_stage


def refused(call, **arguments) -> dict[str, list[str]]:
    """The refusal's messages by field; a step refused at this stage, by its code."""
    with pytest.raises(ValidationError) as refusal:
        call(**arguments)
    if hasattr(refusal.value, "error_dict"):
        return refusal.value.message_dict
    return {refusal.value.code: refusal.value.messages}


def test_scenarios_are_refused_in_chinese_with_their_names_joined(approver, staff_hushan, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["neighbourhood", "education"]
    )
    assert refused(
        services.project_scenarios_save, actor=approver, project=project, scenarios=PLAN[2:]
    ) == {"scenario": ["“邻里场景、教育场景”已报告建成，须保留在项目的场景中。"]}
    assert refused(
        services.project_scenarios_report_built,
        actor=staff_hushan,
        project=project,
        built=["health", "governance"],
    ) == {"built": ["本项目未计划建设“治理场景、健康场景”。"]}
    at_stage(project, FutureStage.JOINT_ACCEPTANCE_PASSED)
    assert refused(
        services.project_scenarios_save, actor=approver, project=project, scenarios=PLAN
    ) == {ILLEGAL: ["处于“联合验收通过”阶段的项目场景已确定；场景只能在联合验收前修改。"]}
    at_stage(project, FutureStage.PLANNING)
    assert refused(
        services.project_scenarios_report_built, actor=staff_hushan, project=project, built=[]
    ) == {ILLEGAL: ["场景建成情况在项目立项后、联合验收前填报；本项目处于“方案编制”阶段。"]}


def test_the_task_force_is_told_how_many_scenarios_are_built(approver, staff_hushan, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["education"]
    )
    told = Notification.objects.get(recipient=approver)
    assert (told.subject, told.body, told.link) == (
        "未来社区：浒山未来社区场景建成情况",
        "浒山未来社区报告其 3 个场景中已建成 1 个。",
        reverse("projects:future_detail", args=[project.pk]),
    )
    # reporting the same again changes nothing and tells no one
    Notification.objects.all().delete()
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["education"]
    )
    assert not Notification.objects.exists()


def test_a_scenario_saved_again_unchanged_writes_no_history_and_a_dropped_one_names_who(
    approver, project
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    assert FutureScenario.history.filter(history_type="~").count() == 0
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN[:2])
    dropped = FutureScenario.history.get(history_type="-")
    assert (dropped.scenario, dropped.history_user) == ("transport", approver)


def test_the_digital_review_is_refused_in_chinese_and_told_to_both_sides(
    assessor, approver, staff_hushan, staff_gutang, project
):
    record = services.digital_review_record
    base = {"actor": assessor, "project": project, "reviewed_on": DAY}
    assert refused(record, **base, verdict="maybe", document_number="审1号") == {
        "verdict": ["请选择同意、有条件同意或不同意。"]
    }
    assert refused(record, **base, verdict="disagree", document_number="审1号") == {
        "comments": ["请填写同意的条件或不同意的理由。"]
    }
    assert refused(record, **base, verdict="agree", comments="  ") == {
        "document_number": ["请填写文号或上传文件。"]
    }

    name = "数" * 196 + ".pdf"  # 200 characters: kept whole
    recorded = record(
        **base,
        verdict="agree",
        document=SimpleUploadedFile(name, b"%PDF-1.4\n% opinion\n", "application/pdf"),
    )
    assert (recorded.comments, recorded.document_number, recorded.document_name) == ("", "", name)
    # one record of its making, by the assessor: the row is saved once, after its file is stored
    assert [(h.history_type, h.history_user) for h in recorded.history.all()] == [("+", assessor)]
    longer = "数" * 197 + ".pdf"
    recorded = record(
        **base,
        verdict="agree",
        document=SimpleUploadedFile(longer, b"%PDF-1.4\n% opinion\n", "application/pdf"),
    )
    assert recorded.document_name == longer[:200]
    told = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(told) == {"approver", "staff_hushan"}
    assert (told["staff_hushan"].subject, told["staff_hushan"].body) == (
        "数字化方案审核：同意",
        "市融媒体中心对浒山未来社区数字化方案的审核意见：同意。",
    )


def test_a_disagreement_sends_only_a_reviewed_plan_back(assessor, approver, project):
    # at planning a disagreement is recorded and the stage stays
    review(assessor, project, "disagree")
    project.refresh_from_db()
    assert project.stage == FutureStage.PLANNING
    review(assessor, project)
    project = services.project_advance(
        actor=approver, project=project, to_stage=FutureStage.PLAN_REVIEWED, on_date=DAY
    )
    # a review dated before the stage it reviews is refused
    assert "reviewed_on" in refused(
        review,
        assessor=assessor,
        project=project,
        verdict="disagree",
        on=DAY - datetime.timedelta(days=1),
    )
    review(assessor, project, comments="同意")
    project.refresh_from_db()
    assert project.stage == FutureStage.PLAN_REVIEWED


def test_the_joint_acceptance_is_refused_in_chinese(approver, project):
    at_stage(project, FutureStage.CONSTRUCTION_COMPLETE)
    housing = Department.objects.get(code="housing")
    accept = services.project_pass_joint_acceptance
    base = {"actor": approver, "project": project, "on_date": DAY, "document_number": "验1号"}
    assert refused(accept, **base, lead_unit=None, participants=[housing]) == {
        "lead_unit": ["请选择联合验收的牵头单位。"]
    }
    assert refused(accept, **base, lead_unit=housing, participants=[housing]) == {
        "participants": ["请选择参加联合验收的单位。"]
    }


def test_a_joint_acceptance_by_document_alone_keeps_no_number_and_no_comment(approver, project):
    at_stage(project, FutureStage.CONSTRUCTION_COMPLETE)
    acceptance = services.project_pass_joint_acceptance(
        actor=approver,
        project=project,
        on_date=DAY,
        lead_unit=Department.objects.get(code="housing"),
        participants=list(Department.objects.filter(code__in=["urban_investment", "finance"])),
        document=SimpleUploadedFile("验收.pdf", b"%PDF-1.4\n% acceptance\n", "application/pdf"),
    )
    assert (acceptance.document_number, acceptance.document_name) == ("", "验收.pdf")
    change = StatusChange.objects.get(project=project, to_state=FutureStage.JOINT_ACCEPTANCE_PASSED)
    assert (change.comment, change.on_date) == ("", DAY)


def test_a_registered_project_starts_its_record_without_a_comment(approver, hushan):
    project = services.project_create(
        actor=approver,
        community=CommunityFactory(subdistrict=hushan, route=Route.FUTURE),
        fields={
            "category": "renovation",
            "project_type": "inclusive",
            "plan_year": 2024,
            "funding_mode": "optimised",
            "creation_investment": 4500000,
        },
    )
    change = StatusChange.objects.get(project=project)
    assert (change.from_state, change.to_state, change.comment, change.comment_code) == (
        "",
        FutureStage.PLANNING,
        "",
        "",
    )


def test_a_project_is_registered_only_for_a_community_on_the_future_route(approver, hushan):
    gap = CommunityFactory(subdistrict=hushan, route=Route.GAP, name="南苑")
    assert refused(services.project_create, actor=approver, community=gap, fields={}) == {
        "community": ["“南苑”不在未来社区创建路径上。"]
    }


def test_a_project_moves_only_to_a_stage_and_tells_its_subdistrict(
    approver, assessor, staff_hushan, project
):
    advance = {"actor": approver, "project": project, "on_date": LATER}
    for stage in ("", "somewhere", FutureStage.PLANNING):
        assert refused(services.project_advance, **advance, to_stage=stage) == {
            "to_stage": ["请选择项目的下一阶段。"]
        }
    review(assessor, project, on=LATER)
    Notification.objects.all().delete()
    services.project_advance(**advance, to_stage=FutureStage.PLAN_REVIEWED)
    told = Notification.objects.get(recipient=staff_hushan)
    assert (told.subject, told.body) == (
        "未来社区：实施方案已审核",
        "浒山未来社区 已于 2024-06-01 进入“实施方案已审核”阶段。",
    )
    assert project.status_changes.order_by("-pk").first().comment == ""


def test_the_plan_review_follows_the_later_of_the_stage_day_and_the_agreeing_review(
    approver, assessor, project
):
    def advance(on_date):
        return services.project_advance(
            actor=approver, project=project, to_stage=FutureStage.PLAN_REVIEWED, on_date=on_date
        )

    review(assessor, project, on=DAY)
    advance(DAY)
    # A disagreement on 1 April sends it back to planning that day; the media centre agrees on
    # 1 June: the review may not be dated before 1 June, though planning began on 1 April.
    review(assessor, project, verdict="disagree", on=datetime.date(2024, 4, 1))
    review(assessor, project, on=LATER)
    assert refused(advance, on_date=datetime.date(2024, 5, 15)) == {
        "on_date": ["日期 2024-05-15 早于数字化方案审核（2024-06-01）。"]
    }
    advance(LATER)


def test_a_stage_after_an_undated_one_is_bound_by_today_alone(approver, project):
    # An older project, entered at its approval with no day for it: only today bounds the next.
    at_stage(project, FutureStage.APPROVED)
    complete = {"actor": approver, "project": project, "to_stage": "construction_complete"}
    assert refused(services.project_advance, **complete, on_date=datetime.date(2099, 1, 1)) == {
        "on_date": ["日期 2099-01-01 晚于今天。"]
    }
    services.project_advance(**complete, on_date=datetime.date(2020, 1, 1))
    project.refresh_from_db()
    assert project.stage == FutureStage.CONSTRUCTION_COMPLETE
