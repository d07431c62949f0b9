"""Factories of the funding app: budget envelopes and tranches in a given state."""

from datetime import date
from decimal import Decimal

import factory

from funding.choices import BudgetSource, TrancheStage, TrancheState
from funding.models import BudgetEnvelope, SubsidyPolicy, Tranche
from tests.factories import GapFillingPlanFactory


class BudgetEnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetEnvelope
        django_get_or_create = ("fiscal_year", "source")

    fiscal_year = factory.LazyFunction(lambda: date.today().year)
    source = BudgetSource.CITY
    amount = Decimal("100000000.00")


class TrancheFactory(factory.django.DjangoModelFactory):
    """A gap-filling tranche of 600,000 for an approved plan."""

    class Meta:
        model = Tranche

    plan = factory.SubFactory(
        GapFillingPlanFactory,
        state="accepted",
        approval_number=factory.Sequence(lambda n: f"慈补批〔2024〕{n}号"),
    )
    subdistrict = factory.SelfAttribute("plan.subdistrict")
    stage = TrancheStage.GAP_AFTER_ACCEPTANCE
    amount = Decimal("600000.00")
    subsidy_total = factory.SelfAttribute("amount")
    base = Decimal("1200000.00")
    rate = Decimal("50")
    state = TrancheState.DUE
    fiscal_year = 2024
    due_on = date(2024, 6, 1)
    # The database refuses a paid tranche without its payment date: paid the day it fell due.
    paid_on = factory.LazyAttribute(
        lambda t: (t.due_on or date(2024, 6, 1)) if t.state == TrancheState.PAID else None
    )
    policy = factory.LazyFunction(lambda: SubsidyPolicy.objects.get(code="gap-filling"))
    policy_version = "gap-filling v1"
    inputs = factory.LazyFunction(lambda: {"investment": "1260000.00", "policy_fee": "60000.00"})
    explanation = factory.LazyFunction(lambda: ["基数 1,200,000.00 × 50% = 600,000.00"])


def confirmed_assessment(assessor, project, *, score, period="2025", confirm=True):
    """An operations assessment of the project with every score ``score``, through the
    operations services; submitted only when ``confirm`` is False."""
    from operations import services
    from operations.choices import OperationKind

    assessment = services.assessment_create(
        actor=assessor,
        project=project,
        period=period,
        scores={kind: Decimal(score) for kind in OperationKind},
    )
    assessment = services.assessment_submit(actor=assessor, assessment=assessment)
    if confirm:
        assessment = services.assessment_confirm(actor=assessor, assessment=assessment)
    return assessment
