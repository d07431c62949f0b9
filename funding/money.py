"""The one rounding rule for money: yuan as Decimal, half-up to the fen."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


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


def format_percent(value: Decimal) -> str:
    """A rate for explanations without trailing zeros, e.g. 95 % or 12.5 %."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
