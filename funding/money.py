"""The one rounding rule for money: yuan as Decimal, half-up to the fen."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
# No single tranche of the programme comes near this (the largest are a few million yuan): an
# amount above it is a typing slip, refused rather than committed.
MAX_TRANCHE_AMOUNT = Decimal("100000000.00")


def to_fen(value) -> Decimal:
    """Round a yuan amount half-up to the fen (0.01); accepts Decimal, int or str, never float."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, rounded to the fen."""
    return to_fen(Decimal(amount) * Decimal(percent) / HUNDRED)


def format_yuan(value: Decimal) -> str:
    """Money for explanations: thousands separators and two decimals, e.g. 3,800,000.00."""
    return f"{to_fen(value):,.2f}"


def format_yuan_unit(value: Decimal) -> str:
    """Money with its unit in the reader's language, e.g. 3,800,000.00 元 / 3,800,000.00 yuan."""
    return gettext("%(amount)s yuan") % {"amount": format_yuan(value)}


def format_percent(value: Decimal) -> str:
    """A rate for explanations without trailing zeros, e.g. 95 % or 12.5 %."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
_GROUPS = ("", "万", "亿", "万亿")


def _capital_group(number: int) -> str:
    """Up to four digits in capitals, with one 零 for each run of inner zeros (1005 → 壹仟零伍)."""
    text, zero = "", False
    for place, unit in _PLACES:
        digit = number // place % 10
        if digit == 0:
            zero = bool(text)
            continue
        text += ("零" if zero else "") + _DIGITS[digit] + unit
        zero = False
    return text


def _capital_integer(number: int) -> str:
    """Whole yuan in capitals by groups of four digits (万, 亿), e.g. 10,000,100 → 壹仟万零壹佰."""
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _capital_group(group) + _GROUPS[index]
        zero = False
    return text


def yuan_in_capitals(value) -> str:
    """An amount as finance documents write it in words (人民币大写), rounded to the fen:
    570,000.00 → 伍拾柒万元整; 1,000,000.01 → 壹佰万元零壹分; 0.50 → 伍角整."""
    amount = to_fen(value)
    sign = "负" if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    whole = _capital_integer(yuan)
    if cents == 0:
        return f"{sign}{whole or '零'}元整"
    text = f"{whole}元" if whole else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif whole:
        text += "零"
    text += _DIGITS[fen] + "分" if fen else "整"
    return sign + text
