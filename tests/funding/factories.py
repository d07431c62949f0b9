"""Factories of the funding app: budget envelopes and tranches in a given state."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from communities.models import Department
from communities.roles import Role
from funding.choices import BudgetSource, TrancheStage, TrancheState
from funding.models import BudgetEnvelope, SubsidyPolicy, Tranche
from tests.factories import GapFillingPlanFactory

from .rules import seeded_rows


def ensure_reference_data() -> None:
    """Restore the role groups, the task-force office and the subsidy policies that the data
    migrations made: a transactional test may run after another one has flushed every table."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    Department.objects.get_or_create(code="taskforce", defaults={"name": "补短板工作专班办公室"})
    for row in seeded_rows():
        row = dict(row)
        SubsidyPolicy.objects.get_or_create(
            code=row.pop("code"), version=1, defaults={**row, "effective_from": date(2023, 1, 1)}
        )


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
    policy = factory.LazyFunction(lambda: SubsidyPolicy.objects.get(code="gap-filling"))
    policy_version = "gap-filling v1"
    inputs = factory.LazyFunction(lambda: {"investment": "1260000.00", "policy_fee": "60000.00"})
    explanation = factory.LazyFunction(lambda: ["基数 1,200,000.00 × 50% = 600,000.00"])
