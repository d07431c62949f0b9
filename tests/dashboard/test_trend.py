"""The trend month by month: plans counted in the local month they reached a state (from the
status change's stored month), money paid in the month of its payment day (from the tranche's
stored month paid), and both stored months kept by the database whatever writes the row."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.choices import TrancheState
from funding.models import Tranche
from projects.choices import PlanState
from projects.models import StatusChange
from tests.factories import GapFillingPlanFactory, UserFactory
from tests.funding.factories import TrancheFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def moved(plan, state, at: datetime.datetime) -> StatusChange:
    """A status change of ``plan`` into ``state`` recorded at ``at``."""
    change = StatusChange.objects.create(plan=plan, to_state=state, actor=UserFactory())
    StatusChange.objects.filter(pk=change.pk).update(at=at)
    return change


def trend_of(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("dashboard:index") + query)
    figure = {f.key: f for f in response.context["figures"]}["trend"]
    return {label: [s.values[i] for s in figure.series] for i, label in enumerate(figure.labels)}


def test_a_move_counts_in_its_month_in_shanghai_and_a_plan_once_a_month(client, user_with_role):
    first, second = GapFillingPlanFactory(year=2024), GapFillingPlanFactory(year=2024)
    # 2024-01-31 23:30 and 2024-02-01 00:30 in Shanghai (UTC+8).
    moved(first, PlanState.APPROVED, datetime.datetime(2024, 1, 31, 15, 30, tzinfo=UTC))
    moved(second, PlanState.APPROVED, datetime.datetime(2024, 1, 31, 16, 30, tzinfo=UTC))
    # The same plan reaching the state twice in one month counts once.
    moved(second, PlanState.COMPLETED, datetime.datetime(2024, 2, 3, tzinfo=UTC))
    moved(second, PlanState.COMPLETED, datetime.datetime(2024, 2, 20, tzinfo=UTC))
    # 2022-12-31 23:30 in Shanghai is before the trend; 2023-01-01 00:30 is its first month.
    moved(first, PlanState.ACCEPTED, datetime.datetime(2022, 12, 31, 15, 30, tzinfo=UTC))
    moved(second, PlanState.ACCEPTED, datetime.datetime(2022, 12, 31, 16, 30, tzinfo=UTC))

    trend = trend_of(client, user_with_role("supervisor"))

    approved, completed, accepted = (0, 1, 2)
    assert trend["2024-01"][approved] == 1
    assert trend["2024-02"][approved] == 1
    assert trend["2024-02"][completed] == 1
    assert trend["2023-01"][accepted] == 1
    assert sum(row[accepted] for row in trend.values()) == 1


def test_the_trend_follows_the_filters_and_the_readers_scope(client, user_with_role):
    chosen = GapFillingPlanFactory(year=2024)
    other_year = GapFillingPlanFactory(year=2025, community__subdistrict=chosen.subdistrict)
    elsewhere = GapFillingPlanFactory(year=2024)
    for plan in (chosen, other_year, elsewhere):
        moved(plan, PlanState.APPROVED, datetime.datetime(2024, 3, 5, tzinfo=UTC))
    staff = user_with_role("subdistrict_staff", subdistrict=chosen.subdistrict, department=None)

    assert trend_of(client, user_with_role("supervisor"))["2024-03"][0] == 3
    assert trend_of(client, user_with_role("supervisor"), "?year=2024")["2024-03"][0] == 2
    assert trend_of(client, staff)["2024-03"][0] == 2
    assert trend_of(client, staff, "?year=2024")["2024-03"][0] == 1
    assert trend_of(client, user_with_role("supervisor"), "?route=future")["2024-03"][0] == 0


def test_money_paid_counts_in_the_month_of_its_payment_day(client, user_with_role):
    for day, amount in (
        (datetime.date(2024, 3, 31), "150000.00"),
        (datetime.date(2024, 4, 1), "20000.00"),
    ):
        TrancheFactory(
            state=TrancheState.PAID, paid_on=day, voucher_number="PZ-1", amount=Decimal(amount)
        )
    TrancheFactory(
        state=TrancheState.PAID, paid_on=datetime.date(2022, 12, 31), voucher_number="PZ-2"
    )
    TrancheFactory(state=TrancheState.DUE)

    trend = trend_of(client, user_with_role("finance_officer"))

    paid = 3  # in 10,000 yuan
    assert trend["2024-03"][paid] == Decimal("15.00")
    assert trend["2024-04"][paid] == Decimal("2.00")
    assert sum(row[paid] for row in trend.values()) == Decimal("17.00")


def test_the_stored_months_follow_the_rows_however_they_are_written():
    change = moved(
        GapFillingPlanFactory(),
        PlanState.APPROVED,
        datetime.datetime(2024, 5, 31, 16, 0, tzinfo=UTC),
    )
    change.refresh_from_db()
    assert change.month == datetime.date(2024, 6, 1)
    tranche = TrancheFactory(state=TrancheState.DUE)
    tranche.refresh_from_db()
    assert tranche.paid_month is None
    Tranche.objects.filter(pk=tranche.pk).update(
        state=TrancheState.PAID, paid_on=datetime.date(2025, 11, 30), voucher_number="PZ-3"
    )
    tranche.refresh_from_db()
    assert tranche.paid_month == 202511
    # The history keeps the day paid, not the month the database works out from it.
    assert not hasattr(tranche.history.model, "paid_month")
