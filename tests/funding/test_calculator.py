"""The subsidy arithmetic of DESIGN §3: every table row, worked examples, edges and rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funding.calculator import TrancheShare, calculate, split_tranches
from funding.choices import PolicyMode
from funding.money import to_fen

from .rules import FUTURE, GAP, NEW_BUILD, OPERATIONS, ORIGINAL, PASSTHROUGH

D = Decimal


@pytest.mark.parametrize(
    ("investment", "rate", "subsidy"),
    [
        ("3000000", "95", "2850000.00"),
        ("4000000", "95", "3800000.00"),
        ("4000000.01", "90", "3600000.01"),
        ("4100000", "90", "3690000.00"),
        ("5000000", "90", "4500000.00"),
        ("5000000.01", "85", "4250000.01"),
        ("6000000", "85", "5100000.00"),
        ("6000000.01", "80", "4800000.01"),
        ("7500000", "80", "6000000.00"),
        ("8000000", "80", "6400000.00"),
    ],
)
def test_future_band_mode_pays_the_whole_investment_at_its_band_rate(investment, rate, subsidy):
    result = calculate(FUTURE, investment=D(investment))

    assert result.rate == D(rate)
    assert result.subsidy == D(subsidy)
    assert result.base == to_fen(D(investment))


def test_worked_example_three_million_splits_30_30_40():
    result = calculate(FUTURE, investment=D("3000000"))

    assert result.tranches == [
        ("future_approval", D("855000.00")),
        ("future_joint_acceptance", D("855000.00")),
        ("future_naming", D("1140000.00")),
    ]
    assert result.warnings == []


def test_just_above_a_band_edge_warns_that_it_gets_less_than_at_the_edge():
    at_edge = calculate(FUTURE, investment=D("4000000"))
    above = calculate(FUTURE, investment=D("4000000.01"))
    far_above = calculate(FUTURE, investment=D("4300000"))

    assert at_edge.warnings == []
    assert len(above.warnings) == 1 and "4,000,000.00" in above.warnings[0]
    assert above.subsidy < at_edge.subsidy
    assert far_above.warnings == [] and far_above.subsidy > at_edge.subsidy


def test_above_the_top_band_is_capped_and_flagged_for_the_task_force():
    result = calculate(FUTURE, investment=D("9000000"))

    assert result.base == D("8000000.00")
    assert result.subsidy == D("6400000.00")
    assert result.needs_taskforce_decision
    assert any("8,000,000.00" in warning for warning in result.warnings)


def test_marginal_mode_pays_each_slice_at_its_own_rate():
    result = calculate(FUTURE, investment=D("4500000"), mode=PolicyMode.MARGINAL)

    assert result.rate is None
    assert [(s.lower, s.upper, s.rate) for s in result.slices] == [
        (D("0"), D("4000000"), D("95")),
        (D("4000000"), D("4500000.00"), D("90")),
    ]
    assert result.subsidy == D("3800000.00") + D("450000.00")
    assert result.warnings == []


def test_marginal_mode_above_the_cap_uses_every_band():
    result = calculate(FUTURE, investment=D("8500000"), mode=PolicyMode.MARGINAL)

    # 3,800,000 + 900,000 + 850,000 + 1,600,000
    assert result.subsidy == D("7150000.00")
    assert result.needs_taskforce_decision


def test_rounding_is_half_up_to_the_fen():
    assert to_fen(D("0.005")) == D("0.01")
    assert to_fen(D("0.015")) == D("0.02")
    assert to_fen(D("-0.005")) == D("-0.01")
    # 0.01 at 95 % is 0.0095 → 0.01; 0.03 at 50 % is 0.015 → 0.02
    assert calculate(FUTURE, investment=D("0.01")).subsidy == D("0.01")
    assert calculate(GAP, investment=D("0.03")).subsidy == D("0.02")


def test_to_fen_refuses_floats():
    with pytest.raises(TypeError):
        to_fen(0.1)


def test_gap_filling_worked_example_excludes_the_policy_fee():
    result = calculate(GAP, investment=D("1260000"), policy_fee=D("60000"))

    assert result.base == D("1200000.00")
    assert result.rate == D("50")
    assert result.subsidy == D("600000.00")
    assert result.tranches == [("gap_after_acceptance", D("600000.00"))]


def test_gap_filling_settled_below_the_approved_investment_counts_the_settled_one():
    result = calculate(GAP, investment=D("1260000"), policy_fee=D("60000"), settled=D("1100000"))

    assert result.base == D("1040000.00")
    assert result.subsidy == D("520000.00")


def test_gap_filling_settled_above_the_approved_investment_is_capped_at_it():
    result = calculate(GAP, investment=D("1260000"), policy_fee=D("60000"), settled=D("1500000"))

    assert result.subsidy == D("600000.00")
    assert any("1,500,000.00" in line for line in result.explanation)


def test_new_build_gets_nothing():
    result = calculate(NEW_BUILD, investment=D("5000000"))

    assert result.subsidy == D("0.00") and result.tranches == []


def test_original_model_and_passthrough_take_the_amount_finance_enters():
    assert calculate(ORIGINAL).subsidy == D("0.00")
    entered = calculate(ORIGINAL, entered_amount=D("12345678.905"))
    assert entered.tranches == [("original_model", D("12345678.91"))]
    assert calculate(PASSTHROUGH, entered_amount=D("2000000")).subsidy == D("2000000.00")


def test_operations_reward_is_a_fixed_600000():
    result = calculate(OPERATIONS)

    assert result.tranches == [("operations_reward", D("600000.00"))]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"investment": D("0")}, "greater than zero"),
        ({"investment": D("-1")}, "greater than zero"),
        ({"investment": D("100"), "policy_fee": D("101")}, "exceed"),
    ],
)
def test_invalid_inputs_are_refused(kwargs, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValueError, match=message):
        calculate(GAP, **kwargs)


def test_explanation_lists_base_band_tranches_and_policy():
    from django.utils import translation

    with translation.override("en"):
        lines = calculate(FUTURE, investment=D("3000000")).explanation

    assert lines[0] == "Creation investment: 3,000,000.00 yuan."
    assert "95%" in lines[1] and "2,850,000.00" in lines[1]
    assert lines[-1] == (
        "Policy applied: Renovation future communities (2024–2025 plan, optimised model): "
        "banded subsidy (version 1)."
    )


money = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)
percent = st.decimals(min_value=D("0"), max_value=D("100"), places=2)


@given(total=money, first=percent, second=percent)
def test_tranches_always_sum_exactly_to_the_total(total, first, second):
    second = min(second, D("100") - first)
    schedule = (
        TrancheShare("future_approval", first),
        TrancheShare("future_joint_acceptance", second),
        TrancheShare("future_naming", D("100") - first - second),
    )

    tranches = split_tranches(total, schedule)

    assert sum(amount for _stage, amount in tranches) == total
    assert all(amount == to_fen(amount) for _stage, amount in tranches)


@given(investment=money)
def test_band_subsidy_never_exceeds_95_percent_and_tranches_add_up(investment):
    result = calculate(FUTURE, investment=investment)

    assert result.subsidy <= to_fen(investment * D("0.95"))
    assert sum(amount for _stage, amount in result.tranches) == result.subsidy
