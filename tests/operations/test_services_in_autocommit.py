"""The operations services called as a page calls them, outside any transaction: each write is
all or nothing and holds its row locks in a transaction of its own.

Transactional tests, so these stay out of the mutation runs' selection (docs/mutation.md): they
are what kills the mutants that drop ``@transaction.atomic`` from these services."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from funding.choices import TrancheStage
from funding.models import Tranche
from operations import services
from operations.choices import AssessmentState, ContractState, OperationKind, ReportState
from operations.models import (
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)
from projects.models import FutureCommunityProject
from tests.factories import CommunityFactory, FutureCommunityProjectFactory
from tests.funding.factories import confirmed_assessment

from .factories import OperatorFactory, credit_code
from .test_satisfaction import workbook
from .test_services_mutants import signed_by

# SQLite takes no row locks, so only PostgreSQL tells a service without its transaction.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_an_operator_whose_history_cannot_be_written_is_not_registered(assessor, monkeypatch):
    assert transaction.get_autocommit()

    def fail(*args, **kwargs):
        raise RuntimeError("history unavailable")

    monkeypatch.setattr(HistoricalRecords, "create_historical_record", fail)

    with pytest.raises(RuntimeError):
        services.operator_create(
            actor=assessor, fields={"name": "某机构", "credit_code": credit_code(31)}
        )

    assert not Operator.objects.exists()


def test_an_operator_is_changed_under_its_own_lock(assessor):
    operator = OperatorFactory(name="甲机构")

    services.operator_update(actor=assessor, operator=operator, fields={"name": "乙机构"})

    assert Operator.objects.get(pk=operator.pk).name == "乙机构"


def test_a_contract_is_signed_and_changed_and_ended_under_its_own_locks(staff_hushan):
    contract, facility = signed_by(staff_hushan)
    services.contract_update(
        actor=staff_hushan, contract=contract, facilities=[facility], fields={"title": "续签"}
    )
    services.contract_terminate(actor=staff_hushan, contract=contract)

    saved = OperatingContract.objects.get(pk=contract.pk)
    assert (saved.title, saved.state) == ("续签", ContractState.TERMINATED)
    assert list(saved.facilities.all()) == [facility]


def test_an_assessment_is_drafted_changed_returned_and_submitted_under_its_own_lock(assessor):
    project = FutureCommunityProjectFactory(stage="named")
    scores = {kind: Decimal("80") for kind in OperationKind}
    assessment = services.assessment_create(
        actor=assessor, project=project, period="2025", scores=scores
    )
    services.assessment_update(
        actor=assessor, assessment=assessment, scores=scores, comments="复核"
    )
    services.assessment_submit(actor=assessor, assessment=assessment)
    services.assessment_return(actor=assessor, assessment=assessment)

    saved = OperationsAssessment.objects.get(pk=assessment.pk)
    assert (saved.state, saved.comments) == (AssessmentState.DRAFT, "复核")


def test_a_reward_is_released_under_the_assessments_lock(assessor):
    project = FutureCommunityProjectFactory(stage="plan_reviewed")
    assessment = confirmed_assessment(assessor, project, score=95)
    FutureCommunityProject.objects.filter(pk=project.pk).update(
        stage="named", named_date=timezone.localdate()
    )

    services.assessment_release_reward(actor=assessor, assessment=assessment)

    assert Tranche.objects.filter(project=project, stage=TrancheStage.OPERATIONS_REWARD).exists()


def test_scores_are_entered_and_imported_under_their_communities_locks(staff_hushan, hushan):
    community = CommunityFactory(subdistrict=hushan, code="hs-01")

    services.satisfaction_record(
        actor=staff_hushan, community=community, period="2025-H1", score=Decimal("80")
    )
    services.satisfaction_import(actor=staff_hushan, file=workbook([("hs-01", "2025-H1", 90, 100)]))

    saved = SatisfactionScore.objects.get(community=community)
    assert (saved.score, saved.respondents) == (Decimal("90.00"), 100)


def test_a_failed_report_is_asked_for_again_under_its_own_lock(supervisor):
    month = timezone.localdate().strftime("%Y-%m")
    failed = SupervisionReport.objects.create(period=month, state=ReportState.FAILED, error="x")

    again, created = services.supervision_report_retry(actor=supervisor, report=failed)

    assert created and again.pk != failed.pk
    assert SupervisionReport.objects.get(pk=failed.pk).state == ReportState.FAILED
