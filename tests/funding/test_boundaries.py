"""Every money and date comparison of the funding app, pinned at its edge: exactly at the limit,
one fen (or one day) below and above. Each case fails if a ``>`` became ``>=`` or the other way
round, or a ``<`` became ``<=``."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from funding import services
from funding.calculator import calculate, validate_inputs
from funding.choices import PolicyMode, TrancheStage, TrancheState
from funding.forms import AmountForm
from funding.models import BudgetEnvelope, SubsidyPolicy, Tranche
from funding.money import to_fen, yuan_in_capitals
from funding.selectors import policy_in_force_or_none, worklist_for
from tests.factories import FutureCommunityProjectFactory, GapFillingPlanFactory

from .factories import BudgetEnvelopeFactory, TrancheFactory
from .rules import FUTURE, GAP

D = Decimal
TODAY = date.today()
FEN = D("0.01")


# ---------------------------------------------------------------- the top band: 8,000,000 cap


@pytest.mark.parametrize(
    ("investment", "capped", "base", "subsidy"),
    [
        ("7999999.99", False, "7999999.99", "6399999.99"),
        ("8000000.00", False, "8000000.00", "6400000.00"),  # exactly at the top: covered
        ("8000000.01", True, "8000000.00", "6400000.00"),  # one fen above: capped, flagged
    ],
)
def test_the_top_band_caps_only_a_base_above_8_million(investment, capped, base, subsidy):
    result = calculate(FUTURE, investment=D(investment))

    assert result.needs_taskforce_decision is capped
    assert result.base == D(base) and result.subsidy == D(subsidy)
    assert bool(result.warnings) is capped


# ---------------------------------------------------------------- band edges (inclusive uppers)


@pytest.mark.parametrize(
    ("investment", "rate"),
    [
        ("3999999.99", "95"),
        ("4000000.00", "95"),
        ("4000000.01", "90"),
        ("4999999.99", "90"),
        ("5000000.00", "90"),
        ("5000000.01", "85"),
        ("5999999.99", "85"),
        ("6000000.00", "85"),
        ("6000000.01", "80"),
    ],
)
def test_a_base_exactly_at_a_band_edge_belongs_to_the_lower_band(investment, rate):
    assert calculate(FUTURE, investment=D(investment)).rate == D(rate)


@pytest.mark.parametrize(
    ("investment", "slices"),
    [("3999999.99", 1), ("4000000.00", 1), ("4000000.01", 2)],
)
def test_marginal_mode_starts_a_slice_only_above_the_edge(investment, slices):
    result = calculate(FUTURE, investment=D(investment), mode=PolicyMode.MARGINAL)

    assert len(result.slices) == slices
    assert result.slices[-1].amount > 0


# ---------------------------------------------------------------- the band-edge warning

# Exactly at the 4,000,000 edge a project gets 95 % of it: 3,800,000.00. Just above, 90 % of
# 4,222,222.22 rounds to exactly 3,800,000.00 as well: not less, so no warning.


@pytest.mark.parametrize(
    ("investment", "subsidy", "warned"),
    [
        ("4222222.21", "3799999.99", True),  # one fen less than at the edge
        ("4222222.22", "3800000.00", False),  # exactly what the edge gets
        ("4222222.23", "3800000.01", False),  # one fen more
    ],
)
def test_the_band_edge_warning_is_for_less_than_the_edge_gets_not_for_as_much(
    investment, subsidy, warned
):
    result = calculate(FUTURE, investment=D(investment))

    assert result.subsidy == D(subsidy)
    assert bool(result.warnings) is warned


# ---------------------------------------------------------------- inputs and the policy fee


@pytest.mark.parametrize(
    ("inputs", "valid"),
    [
        ({"investment": D("0.00")}, False),
        ({"investment": FEN}, True),
        ({"investment": D("100"), "policy_fee": D("-0.01")}, False),
        ({"investment": D("100"), "policy_fee": D("0.00")}, True),
        ({"investment": D("100"), "policy_fee": D("100.00")}, True),  # fee equal: allowed
        ({"investment": D("100"), "policy_fee": D("100.01")}, False),  # a fen above: refused
        ({"investment": D("100"), "settled": D("0.00")}, False),
        ({"investment": D("100"), "settled": FEN}, True),
    ],
)
def test_inputs_are_refused_only_past_their_limits(inputs, valid):
    if valid:
        validate_inputs(**inputs)
    else:
        with pytest.raises(ValueError):
            validate_inputs(**inputs)


def test_a_policy_fee_equal_to_the_investment_leaves_a_zero_base():
    result = calculate(GAP, investment=D("1260000"), policy_fee=D("1260000"))

    assert result.base == D("0.00") and result.subsidy == D("0.00")


@pytest.mark.parametrize(
    ("settled", "counted", "above"),
    [
        ("1259999.99", "1259999.99", False),
        ("1260000.00", "1260000.00", False),  # equal to the approved: the settled one counts
        ("1260000.01", "1260000.00", True),  # above: the approved one counts
    ],
)
def test_the_settled_investment_counts_up_to_the_approved_one(settled, counted, above):
    with translation.override("en"):
        result = calculate(GAP, investment=D("1260000"), policy_fee=D("60000"), settled=D(settled))
        lines = [str(line) for line in result.explanation]

    assert result.base == D(counted) - D("60000")
    assert any("is above the approved one" in line for line in lines) is above
    assert any("Settled investment at acceptance" in line for line in lines) is not above


# ---------------------------------------------------------------- rounding and capitals


@pytest.mark.parametrize(
    ("value", "fen"),
    [("0.00499", "0.00"), ("0.005", "0.01"), ("-0.005", "-0.01"), ("2.675", "2.68")],
)
def test_money_rounds_half_up_to_the_fen(value, fen):
    assert to_fen(D(value)) == D(fen)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-0.01", "负壹分"),
        ("0", "零元整"),  # zero is not negative
        ("0.01", "壹分"),
        ("10000999", "壹仟万零玖佰玖拾玖元整"),  # a lower group under 1000 is led by 零
        ("10001000", "壹仟万壹仟元整"),  # a lower group of exactly 1000 is not
    ],
)
def test_capitals_at_their_edges(value, words):
    assert yuan_in_capitals(D(value)) == words


# ---------------------------------------------------------------- entering an amount


def entered_tranche(state=TrancheState.SCHEDULED):
    project = FutureCommunityProjectFactory(funding_mode="original")
    return TrancheFactory(
        plan=None,
        project=project,
        subdistrict=project.community.subdistrict,
        stage=TrancheStage.ORIGINAL_MODEL,
        policy=SubsidyPolicy.objects.get(code="future-original"),
        state=state,
        amount=D("0.00"),
    )


@pytest.mark.parametrize(
    ("amount", "ok"),
    [
        ("0.00", False),
        ("0.004", False),  # rounds to 0.00
        ("0.005", True),  # rounds to 0.01
        ("0.01", True),
        ("100000000.00", True),  # exactly the most one tranche may be
        ("100000000.01", False),
    ],
)
def test_finance_enters_an_amount_above_zero_and_at_most_100_million(finance, amount, ok):
    tranche = entered_tranche()

    if ok:
        entered = services.tranche_set_amount(tranche=tranche, amount=D(amount), actor=finance)
        assert entered.amount == to_fen(D(amount)) and entered.state == TrancheState.DUE
    else:
        with pytest.raises(ValidationError) as refusal:
            services.tranche_set_amount(tranche=tranche, amount=D(amount), actor=finance)
        assert "amount" in refusal.value.error_dict
        tranche.refresh_from_db()
        assert tranche.state == TrancheState.SCHEDULED


@pytest.mark.parametrize(
    ("amount", "ok"),
    [("0.00", False), ("0.01", True), ("100000000.00", True), ("100000000.01", False)],
)
def test_the_amount_form_has_the_same_edges(amount, ok):
    assert AmountForm({"amount": amount}).is_valid() is ok


# ---------------------------------------------------------------- the budget envelope's remainder


def approved_plan():
    """A plan whose subsidy is 600,000.00: (1,260,000 − 60,000) × 50 %."""
    return GapFillingPlanFactory(state="approved", approval_date=TODAY)


@pytest.mark.parametrize(
    ("envelope", "ok"),
    [
        ("600000.01", True),
        ("600000.00", True),  # exactly what remains: it may all be committed
        ("599999.99", False),  # one fen short
    ],
)
def test_a_commitment_may_take_exactly_what_remains_of_the_envelope(approver, envelope, ok):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D(envelope))

    if ok:
        tranche = services.subsidy_commit_for_plan(plan=approved_plan(), actor=approver)
        assert tranche.amount == D("600000.00")
    else:
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            services.subsidy_commit_for_plan(plan=approved_plan(), actor=approver)
        assert "short by 0.01 yuan" in refusal.value.messages[0]
        assert not Tranche.objects.exists()


@pytest.mark.parametrize(("increase", "ok"), [("0.00", True), ("0.02", False)])
def test_settling_for_more_than_the_commitment_needs_the_difference_left(approver, increase, ok):
    """The envelope holds exactly the commitment; settling for the same amount needs nothing
    more, settling for one fen more (the plan's investment rose by 0.02) needs that fen."""
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("600000.00"))
    plan = approved_plan()
    services.subsidy_commit_for_plan(plan=plan, actor=approver)
    plan.state, plan.acceptance_date = "accepted", TODAY
    plan.total_investment += D(increase)
    plan.save()

    if ok:
        settled = services.subsidy_settle_for_plan(plan=plan, actor=approver)
        assert settled.amount == D("600000.00") and settled.state == TrancheState.DUE
    else:
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            services.subsidy_settle_for_plan(plan=plan, actor=approver)
        assert "short by 0.01 yuan" in refusal.value.messages[0]


def test_settling_for_exactly_the_commitment_asks_nothing_of_the_envelope(approver):
    """Even an envelope cut below what it had committed (written past the services) does not
    refuse a settlement that needs no more than the commitment already holds."""
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("600000.00"))
    plan = approved_plan()
    services.subsidy_commit_for_plan(plan=plan, actor=approver)
    BudgetEnvelope.objects.update(amount=D("500000.00"))
    plan.state, plan.acceptance_date = "accepted", TODAY
    plan.save()

    settled = services.subsidy_settle_for_plan(plan=plan, actor=approver)

    assert settled.amount == D("600000.00") and settled.state == TrancheState.DUE


@pytest.mark.parametrize(("investment", "refused"), [("60000.00", False), ("60000.02", True)])
def test_only_a_commitment_above_zero_needs_an_envelope(approver, settings, investment, refused):
    """With envelopes required, a zero subsidy (the fee takes the whole investment) needs none;
    one fen of subsidy does."""
    settings.FUNDING_REQUIRE_BUDGET_ENVELOPE = True
    plan = GapFillingPlanFactory(
        state="approved",
        approval_date=TODAY,
        total_investment=D(investment),
        policy_fee=D("60000.00"),
    )

    if refused:
        with pytest.raises(ValidationError):
            services.subsidy_commit_for_plan(plan=plan, actor=approver)
    else:
        assert services.subsidy_commit_for_plan(plan=plan, actor=approver).amount == 0


@pytest.mark.parametrize(
    ("amount", "ok"), [("600000.01", True), ("600000.00", True), ("599999.99", False)]
)
def test_an_envelope_may_drop_to_exactly_what_it_has_committed(finance, amount, ok):
    envelope = BudgetEnvelopeFactory(fiscal_year=2024, amount=D("1000000.00"))
    TrancheFactory(fiscal_year=2024, amount=D("600000.00"))
    envelope.amount = D(amount)

    if ok:
        assert services.budget_envelope_save(envelope=envelope, actor=finance).amount == D(amount)
    else:
        with pytest.raises(ValidationError) as refusal:
            services.budget_envelope_save(envelope=envelope, actor=finance)
        assert "amount" in refusal.value.error_dict


# ---------------------------------------------------------------- payment dates


@pytest.mark.parametrize(
    ("paid_on", "ok"),
    [
        (TODAY - timedelta(days=1), True),
        (TODAY, True),  # today may be recorded
        (TODAY + timedelta(days=1), False),  # tomorrow is in the future
    ],
)
def test_a_payment_may_be_dated_today_but_not_tomorrow(finance, paid_on, ok):
    tranche = TrancheFactory(state=TrancheState.APPROVED, due_on=TODAY - timedelta(days=5))
    pay = {"tranche": tranche, "actor": finance, "voucher_number": "PZ", "paid_on": paid_on}

    if ok:
        assert services.tranche_mark_paid(**pay).state == TrancheState.PAID
    else:
        with pytest.raises(ValidationError) as refusal:
            services.tranche_mark_paid(**pay)
        assert "paid_on" in refusal.value.error_dict


@pytest.mark.parametrize(
    ("paid_on", "ok"),
    [(date(2024, 5, 31), False), (date(2024, 6, 1), True), (date(2024, 6, 2), True)],
)
def test_a_payment_may_be_dated_the_day_the_tranche_fell_due_not_before(finance, paid_on, ok):
    tranche = TrancheFactory(state=TrancheState.APPROVED, due_on=date(2024, 6, 1))
    pay = {"tranche": tranche, "actor": finance, "voucher_number": "PZ", "paid_on": paid_on}

    if ok:
        assert services.tranche_mark_paid(**pay).paid_on == paid_on
    else:
        with pytest.raises(ValidationError) as refusal:
            services.tranche_mark_paid(**pay)
        assert "paid_on" in refusal.value.error_dict


# ---------------------------------------------------------------- overdue: TRANCHE_OVERDUE_DAYS


@pytest.mark.parametrize(("days", "overdue"), [(29, False), (30, False), (31, True)])
def test_a_tranche_is_overdue_only_after_the_limit_every_reader_agrees(
    finance, settings, days, overdue
):
    settings.TRANCHE_OVERDUE_DAYS = 30
    tranche = TrancheFactory(due_on=timezone.localdate() - timedelta(days=days))

    assert tranche.is_overdue is overdue
    assert list(Tranche.objects.overdue()) == ([tranche] if overdue else [])
    counts = {item.url: item.count for item in worklist_for(finance)}
    assert counts.get("/funding/?overdue=yes", 0) == int(overdue)


# ---------------------------------------------------------------- the policy in force


@pytest.mark.parametrize(
    ("on", "in_force"),
    [
        (date(2025, 12, 31), False),
        (date(2026, 1, 1), True),  # its first day
        (date(2026, 6, 30), True),  # its last day
        (date(2026, 7, 1), False),
    ],
)
def test_a_policy_is_in_force_from_its_first_day_to_its_last(db, on, in_force):
    SubsidyPolicy.objects.filter(case="gap_filling").update(
        effective_from=date(2026, 1, 1), effective_to=date(2026, 6, 30)
    )

    found = policy_in_force_or_none(case="gap_filling", on=on)

    assert (found is not None) is in_force
