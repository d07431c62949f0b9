"""The future-community steps of policy §七(一), §七(二): the Converged Media Centre's digital-plan
review before the implementation plan review, the joint acceptance with its units and document,
and stage days in order; through the services, the project page and the admin."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from communities.models import Department
from funding.choices import TrancheStage, TrancheState
from funding.models import Tranche
from projects import services
from projects.choices import FutureStage
from projects.lifecycles import FUTURE
from projects.models import DigitalPlanReview, FutureCommunityProject, JointAcceptance
from tests.factories import CommunityFactory, FutureCommunityProjectFactory

PDF = b"%PDF-1.4\n% a review opinion\n"
DAY = datetime.date(2024, 3, 1)
LATER = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def project(hushan):
    return FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=hushan, route="future")
    )


def review(assessor, project, verdict="agree", on=DAY, **extra):
    data = {"comments": "" if verdict == "agree" else "补充贯通方案", "document_number": "审1号"}
    return services.digital_review_record(
        actor=assessor, project=project, verdict=verdict, reviewed_on=on, **(data | extra)
    )


def advance(approver, project, stage, on):
    return services.project_advance(actor=approver, project=project, to_stage=stage, on_date=on)


def walk_to_construction_complete(assessor, approver, project):
    review(assessor, project)
    for stage, on in [
        (FutureStage.PLAN_REVIEWED, DAY),
        (FutureStage.APPROVED, DAY),
        (FutureStage.CONSTRUCTION_COMPLETE, LATER),
    ]:
        project = advance(approver, project, stage, on)
    return project


def units(*codes):
    return list(Department.objects.filter(code__in=codes))


def accept(approver, project, **changes):
    data = {
        "on_date": LATER,
        "lead_unit": Department.objects.get(code="housing"),
        "participants": units("urban_investment", "finance"),
        "document_number": "慈住建验〔2024〕3号",
    }
    return services.project_pass_joint_acceptance(
        actor=approver, project=project, **(data | changes)
    )


def stage_of(project):
    return FutureCommunityProject.objects.get(pk=project.pk).stage


# --- the digital-plan review ----------------------------------------------------------------


def test_the_plan_review_waits_for_the_media_centres_opinion(approver, project):
    with pytest.raises(ValidationError) as refused:
        advance(approver, project, FutureStage.PLAN_REVIEWED, DAY)
    assert "not yet given its opinion on the digital plan" in refused.value.messages[0]
    assert stage_of(project) == FutureStage.PLANNING
    assert not project.status_changes.exists()


def test_an_agreeing_opinion_lets_the_plan_review_be_recorded(assessor, approver, project):
    opinion = review(assessor, project, "agree_with_conditions", comments="补充运维方案")
    assert (opinion.recorded_by, opinion.reviewed_on) == (assessor, DAY)
    assert FUTURE.decide(approver, FutureStage.PLAN_REVIEWED, project)
    advance(approver, project, FutureStage.PLAN_REVIEWED, DAY)
    assert stage_of(project) == FutureStage.PLAN_REVIEWED


def test_a_disagreement_refuses_the_plan_review_until_a_new_opinion_agrees(
    assessor, approver, project
):
    review(assessor, project, "disagree", on=DAY)
    with pytest.raises(ValidationError) as refused:
        advance(approver, project, FutureStage.PLAN_REVIEWED, LATER)
    assert refused.value.messages == [
        "The Converged Media Centre disagreed with the digital plan on 2024-03-01; a new digital "
        "review that agrees is needed first."
    ]
    review(assessor, project, "agree", on=LATER)
    advance(approver, project, FutureStage.PLAN_REVIEWED, LATER)
    assert stage_of(project) == FutureStage.PLAN_REVIEWED


def test_a_disagreement_after_the_plan_review_sends_the_project_back_to_planning(
    assessor, approver, project
):
    review(assessor, project)
    advance(approver, project, FutureStage.PLAN_REVIEWED, DAY)
    review(assessor, project, "disagree", on=LATER)
    project.refresh_from_db()
    assert project.stage == FutureStage.PLANNING
    back = project.status_changes.last()
    assert (back.from_state, back.to_state, back.on_date) == ("plan_reviewed", "planning", LATER)
    assert "needs a new digital review" in back.comment_text


def test_the_plan_review_is_not_dated_before_the_digital_opinion(assessor, approver, project):
    review(assessor, project, on=LATER)
    with pytest.raises(ValidationError) as refused:
        advance(approver, project, FutureStage.PLAN_REVIEWED, DAY)
    assert refused.value.message_dict["on_date"] == [
        "The date 2024-03-01 is before the digital-plan review (2024-06-01)."
    ]
    assert stage_of(project) == FutureStage.PLANNING


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"document_number": ""}, "document_number"),
        ({"verdict": "disagree", "comments": ""}, "comments"),
        ({"verdict": "maybe"}, "verdict"),
        ({"on": datetime.date.today() + datetime.timedelta(days=1)}, "reviewed_on"),
    ],
)
def test_an_incomplete_opinion_is_refused_and_saves_nothing(assessor, project, changes, field):
    changes = dict(changes)
    verdict = changes.pop("verdict", "agree")
    with pytest.raises(ValidationError) as refused:
        review(assessor, project, verdict, **changes)
    assert field in refused.value.message_dict
    assert not DigitalPlanReview.objects.exists()


def test_only_the_media_centre_records_the_digital_opinion(
    approver, staff_hushan, staff_gutang, project
):
    with pytest.raises(PermissionDenied):
        review(approver, project)
    with pytest.raises(PermissionDenied):
        review(staff_hushan, project)
    with pytest.raises(Http404):  # another subdistrict's project is not there for its staff
        review(staff_gutang, project)
    assert not DigitalPlanReview.objects.exists()


def test_no_digital_opinion_once_the_project_is_approved(assessor, approver, project):
    review(assessor, project)
    advance(approver, project, FutureStage.PLAN_REVIEWED, DAY)
    advance(approver, project, FutureStage.APPROVED, DAY)
    with pytest.raises(ValidationError):
        review(assessor, project, "disagree", on=LATER)
    assert DigitalPlanReview.objects.count() == 1


def test_the_opinion_may_be_an_uploaded_file_instead_of_a_number(assessor, project):
    opinion = review(
        assessor,
        project,
        document_number="",
        document=SimpleUploadedFile("意见.pdf", PDF, content_type="application/pdf"),
    )
    assert opinion.document_name == "意见.pdf"
    with pytest.raises(ValidationError) as refused:
        review(assessor, project, document_number="", document=SimpleUploadedFile("x.exe", PDF))
    assert "not accepted" in refused.value.messages[0]
    assert DigitalPlanReview.objects.count() == 1


# --- stage dates ------------------------------------------------------------------------------


def test_a_stage_dated_before_the_stage_it_follows_is_refused_naming_it(
    assessor, approver, project
):
    review(assessor, project)
    advance(approver, project, FutureStage.PLAN_REVIEWED, LATER)
    with pytest.raises(ValidationError) as refused:
        advance(approver, project, FutureStage.APPROVED, DAY)
    assert refused.value.message_dict["on_date"] == [
        "The date 2024-03-01 is before Implementation plan reviewed (2024-06-01)."
    ]
    project.refresh_from_db()
    assert (project.stage, project.approval_date) == (FutureStage.PLAN_REVIEWED, None)


def test_each_stage_keeps_its_day_and_who_recorded_it(assessor, approver, project):
    walk_to_construction_complete(assessor, approver, project)
    changes = project.status_changes.order_by("pk")
    assert [(c.to_state, c.on_date, c.actor) for c in changes] == [
        ("plan_reviewed", DAY, approver),
        ("approved", DAY, approver),
        ("construction_complete", LATER, approver),
    ]
    assert {c.comment for c in changes} == {""}  # the day is no longer written as the comment


def test_a_stage_in_the_future_is_refused(assessor, approver, project):
    review(assessor, project)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        advance(approver, project, FutureStage.PLAN_REVIEWED, tomorrow)
    assert "is in the future" in refused.value.message_dict["on_date"][0]


# --- the joint acceptance ---------------------------------------------------------------------


def test_the_joint_acceptance_records_its_units_and_makes_the_second_tranche_due(
    assessor, approver, project
):
    walk_to_construction_complete(assessor, approver, project)
    acceptance = accept(approver, project)
    assert acceptance.lead_unit.code == "housing"
    assert {unit.code for unit in acceptance.participants.all()} == {"urban_investment", "finance"}
    assert (acceptance.accepted_on, acceptance.recorded_by) == (LATER, approver)
    assert stage_of(project) == FutureStage.JOINT_ACCEPTANCE_PASSED
    tranche = Tranche.objects.get(project=project, stage=TrancheStage.FUTURE_JOINT_ACCEPTANCE)
    assert (tranche.state, tranche.due_on) == (TrancheState.DUE, LATER)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"participants": []}, "participants"),
        ({"participants": units}, "participants"),  # only the lead unit itself
        ({"lead_unit": None}, "lead_unit"),
        ({"document_number": ""}, "document_number"),
        ({"on_date": datetime.date(2024, 5, 1)}, "on_date"),  # before construction complete
        ({"on_date": datetime.date.today() + datetime.timedelta(days=1)}, "on_date"),
    ],
)
def test_an_incomplete_joint_acceptance_saves_nothing(assessor, approver, project, changes, field):
    walk_to_construction_complete(assessor, approver, project)
    if changes.get("participants") is units:
        changes = {"participants": [Department.objects.get(code="housing")]}
    with pytest.raises(ValidationError) as refused:
        accept(approver, project, **changes)
    assert field in refused.value.message_dict
    assert stage_of(project) == FutureStage.CONSTRUCTION_COMPLETE
    assert not JointAcceptance.objects.exists()
    assert Tranche.objects.get(stage=TrancheStage.FUTURE_JOINT_ACCEPTANCE).state == "scheduled"


def test_the_joint_acceptance_is_not_a_plain_stage_advance(assessor, approver, project):
    walk_to_construction_complete(assessor, approver, project)
    with pytest.raises(ValidationError) as refused:
        advance(approver, project, FutureStage.JOINT_ACCEPTANCE_PASSED, LATER)
    assert refused.value.messages == ["Record “Record the joint acceptance” with its own form."]
    assert stage_of(project) == FutureStage.CONSTRUCTION_COMPLETE


def test_only_the_task_force_records_the_joint_acceptance(
    assessor, approver, staff_hushan, staff_gutang, project
):
    walk_to_construction_complete(assessor, approver, project)
    for actor, refusal in [
        (staff_hushan, PermissionDenied),
        (assessor, PermissionDenied),
        (staff_gutang, Http404),
    ]:
        with pytest.raises(refusal):
            accept(actor, project)
    assert not JointAcceptance.objects.exists()


# --- the project page -------------------------------------------------------------------------


def action(project, step):
    return reverse("projects:future_action", args=[project.pk, step])


def page(project):
    return reverse("projects:future_detail", args=[project.pk])


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return sign_in


def test_the_assessor_records_the_opinion_on_the_page(signed_in, assessor, project):
    client = signed_in(assessor)
    assert 'data-testid="step-digital_review"' in client.get(page(project)).content.decode()
    response = client.post(
        action(project, "digital_review"),
        {
            "digital_review-verdict": "disagree",
            "digital_review-comments": "未接入浙里未来社区在线",
            "digital_review-reviewed_on": "2024-03-01",
            "digital_review-document": SimpleUploadedFile("意见.pdf", PDF),
        },
    )
    assert response.status_code == 302
    shown = client.get(page(project)).content.decode()
    assert 'data-testid="review-disagreed"' in shown
    assert "未接入浙里未来社区在线" in shown
    opinion = DigitalPlanReview.objects.get()
    download = reverse("projects:future_document", args=[project.pk, "review", opinion.pk])
    assert download in shown
    assert b"".join(client.get(download).streaming_content) == PDF


def test_a_refused_opinion_shows_the_page_again_with_the_values_kept(signed_in, assessor, project):
    client = signed_in(assessor)
    response = client.post(
        action(project, "digital_review"),
        {
            "digital_review-verdict": "agree",
            "digital_review-comments": "同意",
            "digital_review-reviewed_on": "2024-03-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the document number or upload the document." in html
    assert 'value="2024-03-01"' in html and "同意" in html
    assert not DigitalPlanReview.objects.exists()


def test_the_task_force_sees_why_the_plan_review_waits(signed_in, approver, project):
    response = signed_in(approver).get(page(project))
    assert response.context["step_forms"] == []
    assert "not yet given its opinion" in response.content.decode()
    refused = signed_in(approver).post(
        action(project, FutureStage.PLAN_REVIEWED),
        {"plan_reviewed-to_stage": "plan_reviewed", "plan_reviewed-on_date": "2024-03-01"},
    )
    assert refused.status_code == 200
    assert stage_of(project) == FutureStage.PLANNING


def test_a_disagreement_is_said_once_on_the_page(signed_in, assessor, approver, project):
    review(assessor, project, "disagree")
    html = signed_in(approver).get(page(project)).content.decode()
    assert 'data-testid="review-disagreed"' in html
    assert 'data-testid="step-waiting"' not in html
    assert html.count("2024-03-01; a new digital review") == 0  # not said a second time


def test_other_roles_cannot_post_the_steps_of_the_page(
    signed_in, staff_hushan, staff_gutang, assessor, project
):
    data = {"digital_review-verdict": "agree", "digital_review-reviewed_on": "2024-03-01"}
    data["digital_review-document_number"] = "审1号"
    # The step's role is checked first: a role that may not take it is refused (403) before
    # the project is looked up, in its subdistrict or another.
    assert signed_in(staff_gutang).post(action(project, "digital_review"), data).status_code == 403
    assert signed_in(staff_hushan).post(action(project, "digital_review"), data).status_code == 403
    assert not DigitalPlanReview.objects.exists()
    assert signed_in(assessor).post(action(project, "no-such-step"), data).status_code == 404


def test_the_joint_acceptance_form_on_the_page(signed_in, assessor, approver, project):
    walk_to_construction_complete(assessor, approver, project)
    client = signed_in(approver)
    form = client.get(page(project)).context["step_forms"][0]["form"]
    housing = Department.objects.get(code="housing")
    assert form["lead_unit"].value() == housing.pk
    assert form["participants"].value() == [Department.objects.get(code="urban_investment").pk]
    url = action(project, FutureStage.JOINT_ACCEPTANCE_PASSED)
    prefix = "joint_acceptance_passed-"
    missing = client.post(url, {f"{prefix}on_date": "2024-06-01", f"{prefix}lead_unit": housing.pk})
    assert missing.status_code == 200
    assert "This field is required." in missing.content.decode()
    assert not JointAcceptance.objects.exists()
    taking_part = [unit.pk for unit in units("urban_investment", "health", "media_centre")]
    no_evidence = {
        f"{prefix}on_date": "2024-06-01",
        f"{prefix}lead_unit": housing.pk,
        f"{prefix}participants": taking_part,
    }
    refused = client.post(url, no_evidence)
    assert "Give the document number or upload the document." in refused.content.decode()
    assert not JointAcceptance.objects.exists()
    done = client.post(url, no_evidence | {f"{prefix}document_number": "慈住建验〔2024〕3号"})
    assert done.status_code == 302
    shown = client.get(page(project)).content.decode()
    assert "慈住建验〔2024〕3号" in shown and "Converged Media Centre" in shown
    assert "Health Bureau" in shown


def test_the_page_shows_each_stage_with_its_day_and_who_recorded_it(
    signed_in, assessor, approver, project
):
    walk_to_construction_complete(assessor, approver, project)
    approver.first_name, approver.last_name = "伟", "张"
    approver.save()
    response = signed_in(approver).get(page(project))
    reached = [stage["reached"] for stage in response.context["stages"]]
    assert [(r.on, r.actor) for r in reached[1:4]] == [
        (DAY, approver),
        (DAY, approver),
        (LATER, approver),
    ]
    html = response.content.decode()
    assert html.count("recorded by 张伟") == 3
    assert '<span class="small" data-testid="stage-date">2024-06-01</span>' in html


# --- the admin --------------------------------------------------------------------------------


def admin_advance(project):
    return reverse("admin:projects_futurecommunityproject_advance", args=[project.pk])


def test_the_admin_records_the_joint_acceptance_with_its_file(client, assessor, approver, project):
    walk_to_construction_complete(assessor, approver, project)
    client.force_login(approver)
    page_html = client.get(admin_advance(project)).content.decode()
    assert 'enctype="multipart/form-data"' in page_html
    housing = Department.objects.get(code="housing")
    data = {"on_date": "2024-06-01", "lead_unit": housing.pk}
    refused = client.post(admin_advance(project), data | {"document_number": "验1号"})
    assert refused.status_code == 200 and not JointAcceptance.objects.exists()
    done = client.post(
        admin_advance(project),
        data
        | {
            "participants": [unit.pk for unit in units("urban_investment")],
            "document": SimpleUploadedFile("验收.pdf", PDF),
        },
    )
    assert done.status_code == 302
    acceptance = JointAcceptance.objects.get()
    assert (acceptance.document_name, acceptance.document_number) == ("验收.pdf", "")
    change = client.get(reverse("admin:projects_futurecommunityproject_change", args=[project.pk]))
    assert reverse("projects:future_document", args=[project.pk, "acceptance", acceptance.pk]) in (
        change.content.decode()
    )


def test_the_admin_refuses_the_plan_review_without_an_agreeing_opinion(
    signed_in, assessor, approver, project
):
    client = signed_in(approver)
    data = {"to_stage": "plan_reviewed", "on_date": "2024-03-01", "comment": ""}
    refused = client.post(admin_advance(project), data)
    assert refused.status_code == 200
    assert "not yet given its opinion" in refused.content.decode()
    review(assessor, project, "disagree")
    assert "disagreed" in client.post(admin_advance(project), data).content.decode()
    assert stage_of(project) == FutureStage.PLANNING
    review(assessor, project, "agree")
    assert client.post(admin_advance(project), data).status_code == 302
    assert stage_of(project) == FutureStage.PLAN_REVIEWED


def test_the_migration_moves_the_days_kept_in_comments_to_their_column(approver, project):
    import importlib

    from django.apps import apps

    from projects.models import StatusChange

    migration = importlib.import_module("projects.migrations.0008_future_review_and_acceptance")
    FutureCommunityProject.objects.filter(pk=project.pk).update(approval_date=LATER)
    common = {"project": project, "actor": approver}
    created = StatusChange.objects.create(from_state="", to_state="planning", **common)
    reviewed = StatusChange.objects.create(
        from_state="planning", to_state="plan_reviewed", comment="2024-03-01", **common
    )
    approved = StatusChange.objects.create(
        from_state="plan_reviewed", to_state="approved", comment="批复已下达", **common
    )
    migration.stage_dates_from_comments(apps, None)
    rows = {row.pk: row for row in StatusChange.objects.all()}
    assert rows[created.pk].on_date is None
    assert (rows[reviewed.pk].on_date, rows[reviewed.pk].comment) == (DAY, "")
    assert (rows[approved.pk].on_date, rows[approved.pk].comment) == (LATER, "批复已下达")


def test_the_to_do_list_follows_the_digital_opinion(assessor, approver, project):
    from projects.selectors import worklist_for

    def counts(user):
        return {item.label: item.count for item in worklist_for(user) if "Future" in item.label}

    waiting = "Future-community plans waiting for your digital-plan review"
    agreed = "Future-community plans whose digital part was agreed: record the plan review"
    assert counts(assessor).get(waiting) == 1
    assert not counts(approver).get(agreed)
    review(assessor, project, "disagree")
    assert counts(assessor).get(waiting) == 1
    review(assessor, project, "agree", on=LATER)
    assert not counts(assessor).get(waiting)
    assert counts(approver).get(agreed) == 1
    advance(approver, project, FutureStage.PLAN_REVIEWED, LATER)
    assert not counts(approver).get(agreed)
