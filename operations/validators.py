"""Validators of the operations app: the unified social credit code (GB 32100-2015)."""

import calendar
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
PERIOD_PATTERN = re.compile(r"^(20\d\d)(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$")
MONTH_PATTERN = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def credit_code_check_character(first17: str) -> str:
    """The check character that completes the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse a unified social credit code that is not 18 valid characters with a right check."""
    code = (value or "").strip().upper()
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)s."),
            code="credit_code_length",
            params={"length": len(code)},
        )
    for position, char in enumerate(code, start=1):
        if char not in CREDIT_CODE_ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)s (“%(char)s”) is not allowed in a unified social "
                    "credit code (letters I, O, S, V and Z are never used)."
                ),
                code="credit_code_character",
                params={"position": position, "char": char},
            )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character (the 18th) of this unified social credit code is wrong: "
                "it is “%(given)s” but the first 17 characters require “%(expected)s”."
            ),
            code="credit_code_check",
            params={"given": code[17], "expected": expected},
        )


def validate_period(value: str) -> None:
    """A period is a year, or a year with a month (2025-06), quarter (2025-Q2) or half (2025-H1)."""
    if not PERIOD_PATTERN.match(value or ""):
        raise ValidationError(
            _("Write the period as 2025, 2025-06, 2025-Q2 or 2025-H1."), code="period"
        )


def validate_month(value: str) -> None:
    """A report period is one month, written 2025-06."""
    if not MONTH_PATTERN.match(value or ""):
        raise ValidationError(_("Write the month as 2025-06."), code="month")


def period_span(period: str) -> tuple[date, date]:
    """First and last day of a period written 2025, 2025-06, 2025-Q2 or 2025-H1."""
    year = int(period[:4])
    suffix = period[5:]
    if not suffix:
        first, last = 1, 12
    elif suffix.startswith("Q"):
        first = 3 * int(suffix[1]) - 2
        last = first + 2
    elif suffix.startswith("H"):
        first = 6 * int(suffix[1]) - 5
        last = first + 5
    else:
        first = last = int(suffix)
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def validate_period_begun(value: str) -> None:
    """Refuse a period that has not begun yet: nothing is scored or surveyed in advance."""
    validate_period(value)
    if period_span(value)[0] > timezone.localdate():
        raise ValidationError(
            _("The period %(period)s has not begun yet."),
            code="period_future",
            params={"period": value},
        )
