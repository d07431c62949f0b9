"""The database itself refuses rows that break operations' invariants: each test bypasses the
models and services with QuerySet.update (or a second insert) and expects an IntegrityError,
on SQLite and PostgreSQL alike."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from operations import services
from operations.choices import OperationKind, ReportState
from operations.models import (
    AssessmentScheme,
    SatisfactionScore,
    SupervisionReport,
    SupervisionRules,
)
from tests.factories import FutureCommunityProjectFactory

from .factories import ContractFactory, SatisfactionScoreFactory

pytestmark = pytest.mark.django_db


def refused(queryset, **fields) -> None:
    """The update is refused by the database and changes nothing."""
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**fields)


@pytest.fixture
def assessment(assessor):
    return services.assessment_create(
        actor=assessor,
        project=FutureCommunityProjectFactory(),
        period="2025",
        scores=dict.fromkeys(OperationKind, Decimal("80")),
    )


@pytest.fixture
def contract():
    return ContractFactory()


def rows(obj):
    return type(obj).objects.filter(pk=obj.pk)


def test_a_contract_term_cannot_end_before_it_starts(contract):
    refused(rows(contract), ends_on=date(2024, 12, 31))
    rows(contract).update(ends_on=contract.starts_on)  # a one-day term is fine


def test_a_contract_fee_is_not_negative(contract):
    refused(rows(contract), annual_fee=Decimal("-0.01"))


def test_a_contract_state_is_one_of_its_states(contract):
    refused(rows(contract), state="expired")


def test_only_a_terminated_contract_has_a_termination_day(contract):
    refused(rows(contract), terminated_on=date(2025, 6, 1))
    rows(contract).update(state="terminated", terminated_on=date(2025, 6, 1))


@pytest.mark.parametrize("field", ["space", "activity", "groups", "life_services", "digital"])
@pytest.mark.parametrize("score", [Decimal("-0.01"), Decimal("100.01")])
def test_each_score_is_within_0_and_100(assessment, field, score):
    refused(rows(assessment), **{f"score_{field}": score})


def test_scores_at_0_and_100_are_kept(assessment):
    rows(assessment).update(score_space=Decimal("0"), score_digital=Decimal("100"))


@pytest.mark.parametrize("total", [Decimal("-0.01"), Decimal("100.01")])
def test_the_total_is_within_0_and_100(assessment, total):
    refused(rows(assessment), total=total)


def test_an_assessment_state_and_grade_are_known(assessment):
    refused(rows(assessment), state="approved")
    refused(rows(assessment), grade="outstanding")


def test_a_confirmed_assessment_records_who_confirmed_it(assessment):
    refused(rows(assessment), state="confirmed")
    refused(rows(assessment), state="confirmed", confirmed_by=assessment.assessed_by)
    rows(assessment).update(
        state="confirmed", confirmed_by=assessment.assessed_by, confirmed_at=assessment.created_at
    )


def test_one_assessment_per_project_and_period(assessment, assessor):
    other = services.assessment_create(
        actor=assessor,
        project=assessment.project,
        period="2024",
        scores=dict.fromkeys(OperationKind, Decimal("70")),
    )
    refused(rows(other), period=assessment.period)


def test_one_assessment_per_contract_and_period(assessor):
    contract = ContractFactory()
    scores = dict.fromkeys(OperationKind, Decimal("70"))
    first = services.assessment_create(
        actor=assessor, contract=contract, period="2025", scores=scores
    )
    second = services.assessment_create(
        actor=assessor, contract=contract, period="2024", scores=scores
    )
    refused(rows(second), period=first.period)


def test_an_assessment_has_one_subject(assessment, contract):
    refused(rows(assessment), contract=contract)
    refused(rows(assessment), project=None)


@pytest.mark.parametrize("score", [Decimal("-0.01"), Decimal("100.01")])
def test_a_satisfaction_score_is_within_0_and_100(score):
    entry = SatisfactionScoreFactory()
    refused(rows(entry), score=score)


def test_one_satisfaction_score_per_community_and_period():
    entry = SatisfactionScoreFactory(period="2025-H1")
    other = SatisfactionScoreFactory(community=entry.community, period="2025-H2")
    refused(SatisfactionScore.objects.filter(pk=other.pk), period="2025-H1")


def test_one_report_queued_or_running_per_month():
    first = SupervisionReport.objects.create(period="2025-06")
    second = SupervisionReport.objects.create(period="2025-05")
    refused(rows(second), period="2025-06")
    refused(rows(second), period="2025-06", state=ReportState.RUNNING)
    # A failed or finished report of the month may stand beside the one being built.
    rows(second).update(period="2025-06", state=ReportState.FAILED)
    rows(first).update(state=ReportState.DONE, progress=100)
    SupervisionReport.objects.create(period="2025-06")


@pytest.mark.parametrize("progress", [-1, 101])
def test_report_progress_is_a_percentage(progress):
    report = SupervisionReport.objects.create(period="2025-06")
    refused(rows(report), progress=progress)
    rows(report).update(progress=100)


def test_a_report_state_is_one_of_its_states():
    report = SupervisionReport.objects.create(period="2025-06")
    refused(rows(report), state="archived")


def test_supervision_satisfaction_limits_are_scores():
    rules = SupervisionRules.objects.create(name="边界", is_active=False)
    refused(rows(rules), low_satisfaction_below=Decimal("100.01"))
    refused(rows(rules), praise_satisfaction_from=Decimal("-1"))


def test_scheme_weights_add_up_to_100_and_bands_descend():
    scheme = AssessmentScheme.objects.create(name="边界", is_active=False)
    refused(rows(scheme), weight_space=21)
    refused(rows(scheme), good_from=Decimal("90"))
    refused(rows(scheme), excellent_from=Decimal("100.01"))
