"""The calculator's edges that its worked examples leave open, one fact per test: the rule's
snapshot, the defaults, each input check at its boundary, the explanation word for word and the
band labels (docs/mutation.md lists what each test was written against)."""

import dataclasses
from decimal import Decimal

import pytest
from django.utils import translation

from funding.calculator import (
    PolicyRule,
    Slice,
    SubsidyResult,
    Tier,
    TrancheShare,
    band_index,
    calculate,
    marginal_slices,
    policy_display_name,
    split_tranches,
    stage_label,
    validate_inputs,
)
from funding.choices import PolicyCase, PolicyMode

D = Decimal

# Three bounded bands: up to 100 at 90 %, to 200 at 80 %, to 300 at 50 %.
TIERS = (Tier(D("100"), D("90")), Tier(D("200"), D("80")), Tier(D("300"), D("50")))
SCHEDULE = (TrancheShare("future_approval", D("30")), TrancheShare("future_naming", D("70")))
RULE = PolicyRule(
    code="test-rule",
    version=3,
    case="test-case",
    mode=PolicyMode.BAND,
    tiers=TIERS,
    schedule=SCHEDULE,
)
OPEN_TOP = dataclasses.replace(RULE, tiers=(*TIERS[:2], Tier(None, D("50"))))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def yuan(text: str) -> str:
    return f"{text} yuan"


def test_the_rule_and_its_parts_are_frozen():
    for value, name in [
        (TIERS[0], "rate"),
        (SCHEDULE[0], "percent"),
        (RULE, "version"),
        (Slice(D("0"), D("1"), D("1"), D("0.01")), "amount"),
    ]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, D("1"))


def test_a_rule_has_no_tiers_schedule_fixed_amount_or_fee_deduction_unless_given():
    rule = PolicyRule(code="c", version=1, case="x", mode=PolicyMode.NONE)

    assert rule.tiers == () and rule.schedule == ()
    assert rule.fixed_amount is None
    assert rule.deducts_policy_fee is False


def test_a_result_starts_with_empty_lists_of_its_own_and_no_task_force_decision():
    first = SubsidyResult(base=None, rate=None, subsidy=D("0"))
    second = SubsidyResult(base=None, rate=None, subsidy=D("0"))
    first.warnings.append("w")

    assert second.warnings == [] and second.slices == [] and second.tranches == []
    assert second.explanation == []
    assert second.needs_taskforce_decision is False


def test_the_rule_is_labelled_by_code_and_version_and_named_by_case_and_version():
    assert RULE.label == "test-rule v3"
    assert RULE.display_name == "test-case (version 3)"
    assert policy_display_name(PolicyCase.GAP_FILLING, 2).endswith("(version 2)")
    assert not policy_display_name(PolicyCase.GAP_FILLING, 2).startswith(PolicyCase.GAP_FILLING)


def test_the_snapshot_is_plain_json_and_reads_back_as_the_same_rule():
    rule = dataclasses.replace(OPEN_TOP, fixed_amount=D("12.50"), deducts_policy_fee=True)

    snapshot = rule.as_snapshot()

    assert snapshot == {
        "code": "test-rule",
        "version": 3,
        "case": "test-case",
        "mode": "band",
        "tiers": [
            {"upper": "100", "rate": "90"},
            {"upper": "200", "rate": "80"},
            {"upper": None, "rate": "50"},
        ],
        "schedule": [
            {"stage": "future_approval", "percent": "30"},
            {"stage": "future_naming", "percent": "70"},
        ],
        "fixed_amount": "12.50",
        "deducts_policy_fee": True,
    }
    assert PolicyRule.from_snapshot(snapshot) == rule
    assert PolicyRule.from_snapshot(RULE.as_snapshot()) == RULE


def test_a_snapshot_without_the_optional_keys_reads_back_with_the_defaults():
    rule = PolicyRule.from_snapshot({"code": "c", "version": 1, "case": "x", "mode": "none"})

    assert rule == PolicyRule(code="c", version=1, case="x", mode="none")
    assert rule.fixed_amount is None and rule.deducts_policy_fee is False


@pytest.mark.parametrize(
    "kwargs",
    [
        {"investment": D("0.01")},
        {"investment": D("100"), "policy_fee": D("0")},
        {"investment": D("100"), "policy_fee": D("100")},
        {"investment": D("100"), "settled": D("0.01")},
        {"investment": D("100"), "settled": None},
    ],
)
def test_inputs_at_their_limits_are_accepted(kwargs):
    validate_inputs(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"investment": D("0")}, "The investment must be greater than zero."),
        (
            {"investment": D("1"), "policy_fee": D("-0.01")},
            "The policy handling fee must not be negative.",
        ),
        (
            {"investment": D("1"), "policy_fee": D("1.01")},
            "The policy handling fee must not exceed the investment.",
        ),
        (
            {"investment": D("1"), "settled": D("0")},
            "The settled investment must be greater than zero.",
        ),
    ],
)
def test_inputs_past_their_limits_are_refused_with_the_reason(kwargs, message):
    with pytest.raises(ValueError) as caught:
        validate_inputs(**kwargs)
    assert str(caught.value) == message


def test_calculate_checks_the_settled_investment_too():
    with pytest.raises(ValueError, match="settled"):
        calculate(RULE, investment=D("10"), settled=D("0"))


def test_no_schedule_gives_no_tranches_and_one_share_takes_the_whole_total():
    assert split_tranches(D("10"), ()) == []
    assert split_tranches(D("10.005"), (TrancheShare("future_naming", D("40")),)) == [
        ("future_naming", D("10.01"))
    ]


def test_no_subsidy_mode_explains_that_the_implementing_body_pays():
    result = calculate(RULE, investment=D("100"), mode=PolicyMode.NONE)

    assert (result.base, result.rate, result.subsidy) == (None, None, D("0.00"))
    assert result.tranches == [] and result.warnings == []
    assert result.explanation == ["This case is funded by the implementing body: no city subsidy."]


def test_the_mode_given_overrides_the_rules_own():
    rule = dataclasses.replace(RULE, mode=PolicyMode.NONE)

    assert calculate(rule, investment=D("100"), mode=PolicyMode.BAND).subsidy == D("90.00")


def test_a_band_result_explains_each_figure_word_for_word():
    result = calculate(RULE, investment=D("150"))

    assert result.base == D("150.00") and result.rate == D("80")
    assert result.subsidy == D("120.00")
    assert result.slices == [] and result.needs_taskforce_decision is False
    assert result.tranches == [("future_approval", D("36.00")), ("future_naming", D("84.00"))]
    assert result.explanation == [
        "Creation investment: 150.00 yuan.",
        "Band (100.00 yuan, 200.00 yuan] applies at 80%: 150.00 yuan × 80% = 120.00 yuan.",
        f"Tranche “{stage_label('future_approval')}” (30%): 36.00 yuan.",
        f"Tranche “{stage_label('future_naming')}” (70%): 84.00 yuan.",
        "The last tranche is the total less the earlier ones, so they add up exactly.",
        "Policy applied: test-case (version 3).",
    ]


@pytest.mark.parametrize(
    ("rule", "investment", "label"),
    [
        (RULE, "100", "(up to 100.00 yuan)"),
        (RULE, "100.01", "(100.00 yuan, 200.00 yuan]"),
        (OPEN_TOP, "250", "(above 200.00 yuan)"),
    ],
)
def test_the_band_is_named_by_its_edges(rule, investment, label):
    lines = calculate(rule, investment=D(investment)).explanation

    assert lines[1].startswith(f"Band {label} applies at ")


def test_one_open_band_is_explained_as_one_rate():
    rule = dataclasses.replace(RULE, tiers=(Tier(None, D("50")),), schedule=())

    result = calculate(rule, investment=D("10"))

    assert result.explanation == [
        "Creation investment: 10.00 yuan.",
        "One rate of 50%: 10.00 yuan × 50% = 5.00 yuan.",
        "Policy applied: test-case (version 3).",
    ]
    assert result.tranches == []


def test_one_band_with_a_top_is_explained_as_a_band_not_as_one_rate():
    rule = dataclasses.replace(RULE, tiers=(Tier(D("100"), D("90")),), schedule=())

    lines = calculate(rule, investment=D("50")).explanation

    assert lines[1] == "Band (up to 100.00 yuan) applies at 90%: 50.00 yuan × 90% = 45.00 yuan."


def test_a_single_tranche_has_no_line_about_the_last_one():
    rule = dataclasses.replace(RULE, schedule=(TrancheShare("future_naming", D("100")),))

    lines = calculate(rule, investment=D("10")).explanation

    assert not any(line.startswith("The last tranche") for line in lines)


def test_above_the_top_band_the_base_is_capped_with_a_warning_and_a_line():
    result = calculate(RULE, investment=D("300.01"))

    assert result.base == D("300")
    assert result.subsidy == D("150.00")
    assert result.needs_taskforce_decision is True
    assert result.warnings == [
        "The base 300.01 yuan is above the top band of 300.00 yuan, which the policy does not "
        "cover: it is capped at 300.00 yuan and needs a task-force decision."
    ]
    assert result.explanation[1] == "Base capped at the top band: 300.00 yuan."


def test_exactly_at_the_top_band_nothing_is_capped():
    result = calculate(RULE, investment=D("300"))

    assert result.base == D("300.00") and result.needs_taskforce_decision is False
    assert not any("capped" in line for line in result.warnings + result.explanation)


def test_an_open_top_band_caps_nothing():
    result = calculate(OPEN_TOP, investment=D("100000"))

    assert result.base == D("100000.00") and not result.needs_taskforce_decision


def test_the_capped_base_gives_no_band_edge_warning_as_well():
    # 300 at 50 % is 150, less than the 160 of exactly 200 at 80 %: the edge warning would fire,
    # but the cap's warning says it already.
    result = calculate(RULE, investment=D("1000"))

    assert len(result.warnings) == 1 and "capped" in result.warnings[0]


def test_the_band_edge_warning_names_the_edge_and_both_amounts():
    result = calculate(RULE, investment=D("200.01"))

    assert result.warnings == [
        "Just above the band edge of 200.00 yuan: this gets 100.01 yuan, less than the "
        "160.00 yuan a project of exactly 200.00 yuan would get."
    ]


def test_no_band_edge_warning_when_just_above_the_edge_gets_as_much():
    # Just above 100 at 80 % gets 80.01, less than 90: warned. Far enough above, 112.50 × 80 %
    # is exactly the 90 of the edge: not less, so no warning.
    assert calculate(RULE, investment=D("100.01")).warnings
    assert calculate(RULE, investment=D("112.50")).warnings == []


def test_the_band_index_counts_the_upper_bound_in_and_falls_back_to_the_top_band():
    assert band_index(D("100"), TIERS) == 0
    assert band_index(D("100.01"), TIERS) == 1
    assert band_index(D("1000"), TIERS) == 2
    assert band_index(D("1000"), OPEN_TOP.tiers) == 2


def test_marginal_slices_stop_at_the_base_and_take_nothing_of_a_zero_base():
    assert marginal_slices(D("0"), TIERS) == []
    assert marginal_slices(D("100"), TIERS) == [Slice(D("0"), D("100"), D("90"), D("90.00"))]
    assert marginal_slices(D("250"), OPEN_TOP.tiers) == [
        Slice(D("0"), D("100"), D("90"), D("90.00")),
        Slice(D("100"), D("200"), D("80"), D("80.00")),
        Slice(D("200"), D("250"), D("50"), D("25.00")),
    ]


def test_a_marginal_result_explains_each_slice_and_the_sum():
    result = calculate(RULE, investment=D("150"), mode=PolicyMode.MARGINAL)

    assert result.rate is None and result.subsidy == D("130.00")
    assert result.explanation[:4] == [
        "Creation investment: 150.00 yuan.",
        "Slice 0.00 yuan – 100.00 yuan at 90%: 90.00 yuan.",
        "Slice 100.00 yuan – 150.00 yuan at 80%: 40.00 yuan.",
        "Subsidy (sum of the slices): 130.00 yuan.",
    ]
    assert result.warnings == []


def test_the_fee_deducting_base_explains_approved_settled_fee_and_base():
    rule = dataclasses.replace(RULE, deducts_policy_fee=True)

    result = calculate(rule, investment=D("150"), policy_fee=D("20"), settled=D("120"))

    assert result.base == D("100.00")
    assert result.explanation[:3] == [
        "Approved investment: 150.00 yuan.",
        "Settled investment at acceptance: 120.00 yuan.",
        "Base = 120.00 yuan − policy handling fee 20.00 yuan = 100.00 yuan.",
    ]


def test_a_settled_investment_equal_to_the_approved_one_is_the_settled_one():
    rule = dataclasses.replace(RULE, deducts_policy_fee=True)

    lines = calculate(rule, investment=D("150"), settled=D("150")).explanation

    assert lines[1] == "Settled investment at acceptance: 150.00 yuan."


def test_a_settled_investment_above_the_approved_one_says_the_approved_one_counts():
    rule = dataclasses.replace(RULE, deducts_policy_fee=True)

    result = calculate(rule, investment=D("150"), settled=D("150.01"))

    assert result.base == D("150.00")
    assert result.explanation[1] == (
        "Settled investment 150.01 yuan is above the approved one: 150.00 yuan counts."
    )


def test_without_a_settled_investment_the_approved_one_less_the_fee_is_the_base():
    rule = dataclasses.replace(RULE, deducts_policy_fee=True)

    result = calculate(rule, investment=D("150"), policy_fee=D("150"))

    assert result.base == D("0.00") and result.subsidy == D("0.00")
    assert result.explanation[1] == (
        "Base = 150.00 yuan − policy handling fee 150.00 yuan = 0.00 yuan."
    )


def test_a_fixed_amount_is_the_policys_and_explained_as_such():
    rule = dataclasses.replace(RULE, mode=PolicyMode.FIXED, fixed_amount=D("99.995"))

    result = calculate(rule, entered_amount=D("1"))

    assert (result.base, result.rate, result.subsidy) == (None, None, D("100.00"))
    assert result.tranches == [("future_approval", D("30.00")), ("future_naming", D("70.00"))]
    assert result.explanation[0] == "Fixed amount of the policy: 100.00 yuan."
    assert result.explanation[-1] == "Policy applied: test-case (version 3)."
    assert result.warnings == [] and result.needs_taskforce_decision is False


def test_a_fixed_policy_without_an_amount_pays_nothing():
    rule = dataclasses.replace(RULE, mode=PolicyMode.FIXED, schedule=())

    assert calculate(rule).subsidy == D("0.00")


def test_a_manual_amount_is_explained_before_and_after_finance_enters_it():
    rule = dataclasses.replace(RULE, mode=PolicyMode.MANUAL)

    before = calculate(rule)
    after = calculate(rule, entered_amount=D("10.005"))

    assert before.subsidy == D("0.00")
    assert before.explanation[0] == "The amount is entered by finance; none has been entered yet."
    assert after.subsidy == D("10.01")
    assert after.explanation[0] == "Amount entered by finance: 10.01 yuan."
    assert after.tranches == [("future_approval", D("3.00")), ("future_naming", D("7.01"))]


def test_a_zero_entered_amount_is_an_amount_not_a_missing_one():
    rule = dataclasses.replace(RULE, mode=PolicyMode.MANUAL)

    assert calculate(rule, entered_amount=D("0")).explanation[0] == (
        "Amount entered by finance: 0.00 yuan."
    )


def test_a_stage_is_labelled_in_the_readers_language_or_by_its_code_when_unknown():
    assert stage_label("future_naming") == "Future community, at provincial naming"
    assert stage_label("no-such-stage") == "no-such-stage"
