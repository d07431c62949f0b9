"""Amounts in Chinese capital numerals (人民币大写), as finance documents carry them."""

from decimal import Decimal

import pytest

from funding.money import yuan_in_capitals


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("570000.00", "伍拾柒万元整"),
        ("1000000.01", "壹佰万元零壹分"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("0.00", "零元整"),
        ("10.00", "壹拾元整"),
        ("15.00", "壹拾伍元整"),
        ("1005.00", "壹仟零伍元整"),
        ("1050.00", "壹仟零伍拾元整"),
        ("10000100.00", "壹仟万零壹佰元整"),
        ("100000000.00", "壹亿元整"),
        ("105000000.00", "壹亿零伍佰万元整"),
        ("1000500.00", "壹佰万零伍佰元整"),
        ("3800000.00", "叁佰捌拾万元整"),
        ("2850000.00", "贰佰捌拾伍万元整"),
        ("600000.00", "陆拾万元整"),
        ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
        ("1000.50", "壹仟元伍角整"),
        ("20010.07", "贰万零壹拾元零柒分"),
        ("-855000.00", "负捌拾伍万伍仟元整"),
        ("0.005", "壹分"),  # rounded half-up to the fen first
    ],
)
def test_amounts_read_in_capitals(amount, words):
    assert yuan_in_capitals(Decimal(amount)) == words


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        yuan_in_capitals(0.5)
