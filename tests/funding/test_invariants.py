"""The database itself refuses a tranche, event, envelope or export that breaks the funding
rules: each write here bypasses the model and its validation (``QuerySet.update``), on SQLite
and PostgreSQL alike."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from funding.choices import BudgetSource, ExportState, TrancheStage, TrancheState
from funding.models import BudgetEnvelope, DisbursementExport, Tranche, TrancheEvent
from tests.factories import FutureCommunityProjectFactory

from .factories import BudgetEnvelopeFactory, TrancheFactory

D = Decimal
PAID_ON = date(2024, 7, 1)


def refused(queryset, **fields) -> None:
    """The update is refused by the database and nothing changes."""
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**fields)


def accepted(queryset, **fields) -> None:
    with transaction.atomic():
        assert queryset.update(**fields) == 1


@pytest.fixture
def due(db):
    return Tranche.objects.filter(pk=TrancheFactory().pk)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"amount": D("-0.01")}, id="negative amount"),
        pytest.param({"subsidy_total": D("-0.01")}, id="negative subsidy total"),
        pytest.param({"base": D("-0.01")}, id="negative base"),
        pytest.param({"rate": D("-0.01")}, id="rate below 0"),
        pytest.param({"rate": D("100.01")}, id="rate above 100"),
        pytest.param({"fiscal_year": 2018}, id="fiscal year before 2019"),
        pytest.param({"fiscal_year": 2036}, id="fiscal year after 2035"),
        pytest.param({"due_on": None}, id="due without a due date"),
        pytest.param({"state": TrancheState.APPROVED, "due_on": None}, id="approved, no due date"),
        pytest.param(
            {"state": TrancheState.PAID, "voucher_number": "", "paid_on": PAID_ON},
            id="paid without a voucher",
        ),
        pytest.param(
            {"state": TrancheState.PAID, "voucher_number": "PZ-1", "paid_on": None},
            id="paid without a payment date",
        ),
        pytest.param({"plan": None}, id="neither plan nor project"),
    ],
)
def test_the_database_refuses_a_broken_tranche(due, fields):
    refused(due, **fields)

    assert Tranche.objects.get(pk=due.get().pk).state == TrancheState.DUE


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"amount": D("0.00"), "subsidy_total": D("0.00")}, id="zero amount"),
        pytest.param({"base": D("0.00"), "rate": D("0")}, id="zero base and rate"),
        pytest.param({"rate": D("100")}, id="rate of exactly 100"),
        pytest.param({"fiscal_year": 2019}, id="first fiscal year"),
        pytest.param({"fiscal_year": 2035}, id="last fiscal year"),
        pytest.param({"base": None, "rate": None}, id="no base or rate (entered amount)"),
        pytest.param({"state": TrancheState.SCHEDULED, "due_on": None}, id="scheduled, no date"),
        pytest.param(
            {"state": TrancheState.PAID, "voucher_number": "PZ-1", "paid_on": PAID_ON},
            id="paid with voucher and date",
        ),
    ],
)
def test_the_database_takes_a_tranche_at_the_edges_of_its_rules(due, fields):
    accepted(due, **fields)


def test_a_tranche_pays_for_a_plan_or_a_project_never_both(due):
    project = FutureCommunityProjectFactory()

    refused(due, project=project)


def test_one_tranche_per_plan_and_stage_even_past_the_model(db):
    first, second = TrancheFactory(), TrancheFactory()

    refused(Tranche.objects.filter(pk=second.pk), plan=first.plan)
    accepted(
        Tranche.objects.filter(pk=second.pk),
        plan=first.plan,
        stage=TrancheStage.ORIGINAL_MODEL,  # another stage of the same plan is another tranche
    )


def test_one_tranche_per_project_and_stage_even_past_the_model(db):
    project = FutureCommunityProjectFactory()
    common = {"plan": None, "subdistrict": project.community.subdistrict}
    TrancheFactory(project=project, stage=TrancheStage.FUTURE_APPROVAL, **common)
    other = TrancheFactory(project=project, stage=TrancheStage.FUTURE_NAMING, **common)

    refused(Tranche.objects.filter(pk=other.pk), stage=TrancheStage.FUTURE_APPROVAL)


def test_an_audit_event_never_records_a_negative_amount(due):
    actor = get_user_model().objects.create(username="auditor")
    event = TrancheEvent.objects.create(
        tranche=due.get(), to_state=TrancheState.DUE, amount=D("0.00"), actor=actor
    )

    refused(TrancheEvent.objects.filter(pk=event.pk), amount=D("-0.01"))


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        pytest.param({"amount": D("-0.01")}, False, id="negative amount"),
        pytest.param({"amount": D("0.00")}, True, id="zero amount"),
        pytest.param({"fiscal_year": 2022}, False, id="year before 2023"),
        pytest.param({"fiscal_year": 2023}, True, id="first year"),
        pytest.param({"fiscal_year": 2035}, True, id="last year"),
        pytest.param({"fiscal_year": 2036}, False, id="year after 2035"),
    ],
)
def test_the_database_keeps_envelopes_non_negative_and_in_their_years(db, fields, ok):
    envelope = BudgetEnvelope.objects.filter(pk=BudgetEnvelopeFactory(fiscal_year=2024).pk)

    (accepted if ok else refused)(envelope, **fields)


def test_one_envelope_per_year_and_source_even_past_the_model(db):
    BudgetEnvelopeFactory(fiscal_year=2024, source=BudgetSource.CITY)
    ningbo = BudgetEnvelopeFactory(fiscal_year=2024, source=BudgetSource.NINGBO)

    refused(BudgetEnvelope.objects.filter(pk=ningbo.pk), source=BudgetSource.CITY)


def test_a_finished_export_has_its_file(db):
    requester = get_user_model().objects.create(username="requester")
    export = DisbursementExport.objects.filter(
        pk=DisbursementExport.objects.create(requested_by=requester).pk
    )

    refused(export, state=ExportState.DONE)
    accepted(export, state=ExportState.DONE, file_name="disbursements-1.xlsx")
