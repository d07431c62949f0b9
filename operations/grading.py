"""Total and grade of an operations assessment from its scores and the scheme."""

from decimal import ROUND_HALF_UP, Decimal

from .choices import Grade

TWO_PLACES = Decimal("0.01")


def weighted_total(scores: dict[str, Decimal], weights: dict[str, int]) -> Decimal:
    """Σ score × weight / 100, rounded half-up to two places."""
    # str() first, so a score given as a float is read as written, not as its binary value.
    total = sum((Decimal(str(scores[kind])) * weights[kind] for kind in weights), Decimal("0"))
    return (total / 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def grade_for(total: Decimal, scheme) -> Grade:
    """The band a total falls in: each band includes its lower edge."""
    if total >= scheme.excellent_from:
        return Grade.EXCELLENT
    if total >= scheme.good_from:
        return Grade.GOOD
    if total >= scheme.pass_from:
        return Grade.PASS
    return Grade.FAIL
