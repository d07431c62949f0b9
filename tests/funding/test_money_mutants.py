"""The money helpers one by one: rounding, percentages, the printed forms and the capitals'
zeros (docs/mutation.md lists what each test was written against)."""

from decimal import Decimal

import pytest
from django.utils import translation

from funding import money
from funding.money import (
    MAX_TRANCHE_AMOUNT,
    format_percent,
    format_yuan,
    format_yuan_unit,
    percent_of,
    to_fen,
    yuan_in_capitals,
)

D = Decimal


def test_to_fen_takes_decimal_int_and_str_and_rounds_half_up():
    assert to_fen(D("1.005")) == D("1.01")
    assert to_fen(7) == D("7.00")
    assert to_fen("2.675") == D("2.68")
    assert to_fen(D("1.004")) == D("1.00")
    assert str(to_fen(3)) == "3.00"


def test_to_fen_refuses_a_float_with_the_reason():
    with pytest.raises(TypeError) as caught:
        to_fen(1.5)
    assert str(caught.value) == "money must not be a float"


def test_percent_of_is_the_share_rounded_to_the_fen():
    assert percent_of(D("200"), D("30")) == D("60.00")
    assert percent_of(D("0.03"), D("50")) == D("0.02")
    assert percent_of(10, 5) == D("0.50")


def test_the_largest_tranche_accepted_is_one_hundred_million_yuan():
    assert D("100000000.00") == MAX_TRANCHE_AMOUNT
    assert D("0.00") == money.ZERO and str(money.ZERO) == "0.00"


def test_yuan_print_with_thousands_and_two_decimals():
    assert format_yuan(D("3800000")) == "3,800,000.00"
    assert format_yuan(D("0.005")) == "0.01"
    assert format_yuan(D("-1234.5")) == "-1,234.50"


def test_yuan_with_the_unit_in_the_readers_language():
    with translation.override("en"):
        assert format_yuan_unit(D("1200")) == "1,200.00 yuan"
    with translation.override("zh-hans"):
        assert format_yuan_unit(D("1200")) == "1,200.00 元"


@pytest.mark.parametrize(
    ("rate", "text"),
    [("95", "95%"), ("12.50", "12.5%"), ("100", "100%"), ("100.00", "100%"), ("0.5", "0.5%")],
)
def test_a_rate_prints_without_trailing_zeros(rate, text):
    assert format_percent(D(rate)) == text


def test_an_integer_rate_keeps_its_own_zeros():
    assert format_percent(D("10")) == "10%"
    assert format_percent(20) == "20%"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1.00", "壹元整"),
        ("1.10", "壹元壹角整"),
        ("1.01", "壹元零壹分"),
        ("1.11", "壹元壹角壹分"),
        ("0.10", "壹角整"),
        ("0.11", "壹角壹分"),
        ("10001.00", "壹万零壹元整"),
        ("10010.00", "壹万零壹拾元整"),
        ("10100.00", "壹万零壹佰元整"),
        ("11000.00", "壹万壹仟元整"),
        ("100000001.00", "壹亿零壹元整"),
        ("100010000.00", "壹亿零壹万元整"),
        ("101000000.00", "壹亿零壹佰万元整"),
        ("110000000.00", "壹亿壹仟万元整"),
        # an empty 万 group still reads as 零 before a full group of four digits
        ("100001000.00", "壹亿零壹仟元整"),
        ("1000010000.00", "壹拾亿零壹万元整"),
        ("1000000000000.00", "壹万亿元整"),
        ("9999.99", "玖仟玖佰玖拾玖元玖角玖分"),
        ("2020.00", "贰仟零贰拾元整"),
        ("2002.00", "贰仟零贰元整"),
        ("-0.50", "负伍角整"),
        ("-1.01", "负壹元零壹分"),
        ("-0.00", "零元整"),
        (3, "叁元整"),
    ],
)
def test_more_amounts_read_in_capitals(amount, words):
    value = amount if isinstance(amount, int) else D(amount)
    assert yuan_in_capitals(value) == words
