"""Operations assessments: grading at the band edges, the scheme's checks, the life cycle,
and the operations reward that a passed assessment of a named future community makes due."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from communities.roles import Role
from funding.choices import TrancheStage, TrancheState
from funding.models import Tranche
from operations import selectors, services
from operations.choices import AssessmentState, Grade, OperationKind
from operations.grading import grade_for, weighted_total
from operations.models import AssessmentScheme, OperationsAssessment
from tests.factories import FutureCommunityProjectFactory, UserFactory
from tests.funding.factories import BudgetEnvelopeFactory

from .factories import ContractFactory


def uniform(score) -> dict:
    return {kind: Decimal(score) for kind in OperationKind}


@pytest.fixture
def scheme(db):
    return AssessmentScheme.objects.get(is_active=True)


def test_default_scheme_is_design_section_4(scheme):
    assert set(scheme.weights().values()) == {20}
    assert (scheme.excellent_from, scheme.good_from, scheme.pass_from) == (90, 80, 60)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", Grade.EXCELLENT),
        ("90.00", Grade.EXCELLENT),
        ("89.99", Grade.GOOD),
        ("80.00", Grade.GOOD),
        ("79.99", Grade.PASS),
        ("60.00", Grade.PASS),
        ("59.99", Grade.FAIL),
        ("0", Grade.FAIL),
    ],
)
def test_grade_bands_include_their_lower_edge(scheme, total, grade):
    assert grade_for(Decimal(total), scheme) == grade


def test_total_is_the_weighted_sum_rounded_half_up():
    weights = {"space": 30, "activity": 30, "groups": 20, "life_services": 10, "digital": 10}
    scores = {"space": 90, "activity": 80, "groups": 70, "life_services": 61, "digital": 60.05}
    # 27 + 24 + 14 + 6.1 + 6.005 = 77.105 → 77.11
    assert weighted_total(scores, weights) == Decimal("77.11")


def test_a_draft_gets_its_total_and_grade(assessor):
    project = FutureCommunityProjectFactory()
    scores = {**uniform(90), OperationKind.DIGITAL: Decimal("40")}  # 18*4 + 8 = 80
    assessment = services.assessment_create(
        actor=assessor, project=project, period="2025", scores=scores
    )
    assert assessment.total == Decimal("80.00")
    assert assessment.grade == Grade.GOOD
    assert assessment.subdistrict_id == project.community.subdistrict_id
    assert assessment.state == AssessmentState.DRAFT


@pytest.mark.parametrize("bad", ["-0.01", "100.01", "120"])
def test_scores_outside_0_to_100_are_refused(assessor, bad):
    project = FutureCommunityProjectFactory()
    with pytest.raises(ValidationError) as caught:
        services.assessment_create(
            actor=assessor,
            project=project,
            period="2025",
            scores={**uniform(70), OperationKind.SPACE: Decimal(bad)},
        )
    assert "score_space" in caught.value.message_dict
    assert not OperationsAssessment.objects.exists()


def test_a_period_that_has_not_begun_is_refused(assessor):
    next_half = f"{timezone.localdate().year + 1}-H1"
    with pytest.raises(ValidationError) as caught:
        services.assessment_create(
            actor=assessor,
            project=FutureCommunityProjectFactory(),
            period=next_half,
            scores=uniform(70),
        )
    assert "period" in caught.value.message_dict
    assert not OperationsAssessment.objects.exists()


def test_weights_not_adding_up_to_100_are_refused(scheme):
    scheme.weight_digital = 25
    with pytest.raises(ValidationError) as caught:
        scheme.full_clean()
    assert "105" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        scheme.save()


def test_grade_bands_must_descend(scheme):
    scheme.good_from = Decimal("95")
    with pytest.raises(ValidationError):
        scheme.full_clean()


def test_a_changed_scheme_grades_new_assessments(assessor, scheme):
    scheme.weight_space, scheme.weight_digital = 40, 0
    scheme.pass_from = Decimal("70")
    scheme.full_clean()
    scheme.save()
    assessment = services.assessment_create(
        actor=assessor,
        project=FutureCommunityProjectFactory(),
        period="2025",
        scores={**uniform(65), OperationKind.SPACE: Decimal("80"), OperationKind.DIGITAL: 0},
    )
    # 80×0.4 + 65×0.2×3 = 32 + 39 = 71
    assert assessment.total == Decimal("71.00")
    assert assessment.grade == Grade.PASS


def test_only_the_operations_assessor_assesses(user_with_role, staff_hushan):
    project = FutureCommunityProjectFactory()
    for actor in (user_with_role(Role.SUPERVISOR), staff_hushan):
        with pytest.raises(PermissionDenied):
            services.assessment_create(
                actor=actor, project=project, period="2025", scores=uniform(80)
            )


def test_one_assessment_per_subject_and_period(assessor):
    project = FutureCommunityProjectFactory()
    services.assessment_create(actor=assessor, project=project, period="2025", scores=uniform(80))
    with pytest.raises(ValidationError):
        services.assessment_create(
            actor=assessor, project=project, period="2025", scores=uniform(70)
        )


def test_life_cycle_draft_submitted_confirmed(assessor):
    assessment = services.assessment_create(
        actor=assessor, project=FutureCommunityProjectFactory(), period="2025", scores=uniform(75)
    )
    with pytest.raises(ValidationError):
        services.assessment_confirm(actor=assessor, assessment=assessment)
    services.assessment_update(
        actor=assessor, assessment=assessment, scores=uniform(85), comments="复核后调整"
    )
    services.assessment_submit(actor=assessor, assessment=assessment)
    with pytest.raises(ValidationError):
        services.assessment_update(
            actor=assessor, assessment=assessment, scores=uniform(95), comments=""
        )
    services.assessment_return(actor=assessor, assessment=assessment)
    services.assessment_submit(actor=assessor, assessment=assessment)
    confirmed = services.assessment_confirm(actor=assessor, assessment=assessment)
    assert confirmed.state == AssessmentState.CONFIRMED
    assert confirmed.confirmed_by == assessor
    assert confirmed.grade == Grade.GOOD
    assert confirmed.history.count() >= 5


def submitted(assessor, project, score):
    assessment = services.assessment_create(
        actor=assessor, project=project, period="2025", scores=uniform(score)
    )
    return services.assessment_submit(actor=assessor, assessment=assessment)


def reward(project):
    return Tranche.objects.filter(project=project, stage=TrancheStage.OPERATIONS_REWARD)


def test_confirming_a_passed_assessment_of_a_named_project_makes_the_reward_due(assessor):
    BudgetEnvelopeFactory()
    project = FutureCommunityProjectFactory(stage="named")
    services.assessment_confirm(actor=assessor, assessment=submitted(assessor, project, 60))
    tranche = reward(project).get()
    assert tranche.state == TrancheState.DUE
    assert tranche.amount == Decimal("600000.00")
    assert tranche.subdistrict_id == project.community.subdistrict_id


def test_no_reward_for_a_failed_assessment_or_an_unnamed_project(assessor):
    BudgetEnvelopeFactory()
    named = FutureCommunityProjectFactory(stage="named")
    services.assessment_confirm(actor=assessor, assessment=submitted(assessor, named, "59.99"))
    unnamed = FutureCommunityProjectFactory(stage="assessment_passed")
    services.assessment_confirm(actor=assessor, assessment=submitted(assessor, unnamed, 95))
    assert not Tranche.objects.exists()


def test_confirmation_rolls_back_when_the_reward_is_refused(assessor):
    # The city's envelope cannot hold 600,000: the funding service refuses, and the
    # assessment stays submitted.
    BudgetEnvelopeFactory(amount=Decimal("1000.00"))
    project = FutureCommunityProjectFactory(stage="named")
    assessment = submitted(assessor, project, 90)
    with pytest.raises(ValidationError):
        services.assessment_confirm(actor=assessor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    assert not reward(project).exists()


def test_contract_assessments_never_pay_a_reward(assessor):
    assessment = services.assessment_create(
        actor=assessor, contract=ContractFactory(), period="2025-H1", scores=uniform(95)
    )
    services.assessment_submit(actor=assessor, assessment=assessment)
    services.assessment_confirm(actor=assessor, assessment=assessment)
    assert not Tranche.objects.exists()


def test_the_subdistricts_staff_hear_of_a_confirmation_in_the_portals_language(
    assessor, hushan, mailoutbox, django_capture_on_commit_callbacks
):
    staff = UserFactory(
        roles=[Role.SUBDISTRICT_STAFF], subdistrict=hushan, email="staff@example.org"
    )
    UserFactory(roles=[Role.SUPERVISOR], subdistrict=hushan, email="other@example.org")
    contract = ContractFactory(subdistrict=hushan)
    assessment = services.assessment_create(
        actor=assessor, contract=contract, period="2025-H1", scores=uniform(95)
    )
    services.assessment_submit(actor=assessor, assessment=assessment)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.assessment_confirm(actor=assessor, assessment=assessment)
    [mail] = mailoutbox
    assert mail.to == [staff.email]
    assert "运营考核已确认" in mail.subject and "优秀" in mail.body


def test_a_later_scheme_change_leaves_past_assessments_as_graded(client, assessor, scheme):
    assessment = submitted(assessor, FutureCommunityProjectFactory(), 85)
    services.assessment_confirm(actor=assessor, assessment=assessment)
    scheme.weight_space, scheme.weight_digital = 40, 0
    scheme.good_from = Decimal("88")
    scheme.full_clean()
    scheme.save()
    client.force_login(assessor)
    page = client.get(assessment.get_absolute_url())
    assert [line["weight"] for line in page.context["lines"]] == [20, 20, 20, 20, 20]
    assert "80.00" in page.content.decode()  # the good band as applied, not today's 88
    assessment.refresh_from_db()
    assert assessment.grade == Grade.GOOD


def test_a_community_named_after_its_assessment_gets_the_reward_released_once(assessor, client):
    BudgetEnvelopeFactory()
    project = FutureCommunityProjectFactory(stage="assessment_passed")
    assessment = services.assessment_confirm(
        actor=assessor, assessment=submitted(assessor, project, 85)
    )
    assert not selectors.reward_awaits_release(assessment)
    project.stage = "named"  # the task force names it afterwards
    project.save()
    assessment.refresh_from_db()
    assert selectors.reward_awaits_release(assessment)

    client.force_login(assessor)
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert 'data-testid="release-reward"' in page
    client.post(f"/operations/assessments/{assessment.pk}/reward/")
    assert reward(project).get().state == TrancheState.DUE

    assert not selectors.reward_awaits_release(assessment)
    with pytest.raises(ValidationError):
        services.assessment_release_reward(actor=assessor, assessment=assessment)
    assert reward(project).count() == 1


def test_a_failed_assessment_releases_no_reward(assessor):
    project = FutureCommunityProjectFactory(stage="named")
    assessment = services.assessment_confirm(
        actor=assessor, assessment=submitted(assessor, project, 40)
    )
    with pytest.raises(ValidationError):
        services.assessment_release_reward(actor=assessor, assessment=assessment)
    assert not reward(project).exists()
