"""The 600,000 operations reward is the funding service's own rule: whoever calls it, it pays
only a provincially named project after a confirmed, passed operations assessment of it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from funding import services
from funding.choices import TrancheStage
from funding.models import Tranche, TrancheEvent
from operations.models import OperationsAssessment
from tests.factories import FutureCommunityProjectFactory

from .factories import BudgetEnvelopeFactory, confirmed_assessment

TODAY = date.today()


@pytest.fixture
def named(db):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=Decimal("10000000.00"))
    return FutureCommunityProjectFactory(stage="named", named_date=TODAY)


def no_reward_saved():
    return not Tranche.objects.filter(stage=TrancheStage.OPERATIONS_REWARD).exists() and not (
        TrancheEvent.objects.filter(tranche__stage=TrancheStage.OPERATIONS_REWARD).exists()
    )


def refusal(call) -> str:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        call()
    return " ".join(caught.value.messages)


NEEDS_ASSESSMENT = (
    "The operations reward needs a confirmed, passed operations assessment of this future "
    "community."
)


@pytest.mark.parametrize(
    "make_assessment",
    [lambda named: None, lambda named: OperationsAssessment(project=named)],
    ids=["none", "unsaved"],
)
def test_a_named_project_without_an_assessment_gets_no_reward(
    named, assessor, finance, make_assessment
):
    assessment = make_assessment(named)
    message = refusal(
        lambda: services.operations_reward_make_due(
            project=named, assessment=assessment, actor=assessor
        )
    )
    with pytest.raises(PermissionDenied):
        services.operations_reward_make_due(project=named, assessment=assessment, actor=finance)

    assert message == NEEDS_ASSESSMENT
    assert no_reward_saved()


def submitted_of(assessor, named):
    return confirmed_assessment(assessor, named, score=95, confirm=False)


def stale_copy_of(assessor, named):
    assessment = submitted_of(assessor, named)
    assessment.state = "confirmed"  # changed in memory only: the row is still submitted
    return assessment


def failed_of(assessor, named):
    failed = confirmed_assessment(assessor, named, score="59.99")
    assert failed.state == "confirmed"
    return failed


def another_projects(assessor, named):
    other = FutureCommunityProjectFactory(stage="assessment_passed")
    return confirmed_assessment(assessor, other, score=95)


NOT_CONFIRMED = "The assessment is not confirmed yet; the reward follows a confirmed assessment."


@pytest.mark.parametrize(
    ("assessment_of", "reason"),
    [
        (submitted_of, NOT_CONFIRMED),
        (stale_copy_of, NOT_CONFIRMED),
        (failed_of, "The assessment did not pass; the reward follows a passed assessment."),
        (
            another_projects,
            "This assessment is of another subject; the reward follows this community's own.",
        ),
    ],
    ids=["unconfirmed", "stale-copy-read-again", "failed-confirmed", "another-project"],
)
def test_the_reward_follows_only_this_projects_confirmed_passed_assessment(
    named, assessor, finance, assessment_of, reason
):
    assessment = assessment_of(assessor, named)

    message = refusal(
        lambda: services.operations_reward_make_due(
            project=named, assessment=assessment, actor=assessor
        )
    )
    with pytest.raises(PermissionDenied):
        services.operations_reward_make_due(project=named, assessment=assessment, actor=finance)

    assert message == reason
    assert no_reward_saved()


def test_a_passed_assessment_of_an_unnamed_project_pays_no_reward(named, assessor):
    unnamed = FutureCommunityProjectFactory(stage="assessment_passed")
    passed = confirmed_assessment(assessor, unnamed, score=95)

    message = refusal(
        lambda: services.operations_reward_make_due(
            project=unnamed, assessment=passed, actor=assessor
        )
    )

    assert message == "The operations reward needs a provincially named future community."
    assert no_reward_saved()


def test_the_refusal_is_in_the_readers_language(named, assessor):
    with pytest.raises(ValidationError) as caught, translation.override("zh-hans"):
        services.operations_reward_make_due(project=named, assessment=None, actor=assessor)

    assert "运营考核" in " ".join(caught.value.messages)
