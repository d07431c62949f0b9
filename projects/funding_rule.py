"""Which funding model a future community's batch takes (policy §五(一)): the one place it is
written.

- 新建类 (new build): funded by its own implementing body, whatever its batch;
- 旧改类 (renovation) in a provincial batch 1–7: the original model;
- 旧改类 in the city's 2024–2025 creation plan: the optimised (banded) model.

A project has a provincial batch or a city plan year, never both and never neither. The model's
``clean()`` (and so every service and admin form) explains a breach on the field concerned; the
database refuses the same rows with the check ``FUNDING_MODEL_FOLLOWS_BATCH``.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from communities.choices import FundingMode, FutureCategory

# The plan years of the city's creation plan that take the optimised model.
CITY_PLAN_YEARS = (2024, 2025)

BATCH_OR_PLAN_YEAR = Q(provincial_batch__isnull=False) | Q(plan_year__isnull=False)
FUNDING_MODEL_FOLLOWS_BATCH = (
    Q(category=FutureCategory.NEW_BUILD, funding_mode=FundingMode.SELF_FUNDED)
    | Q(
        category=FutureCategory.RENOVATION,
        provincial_batch__isnull=False,
        funding_mode=FundingMode.ORIGINAL,
    )
    | Q(
        category=FutureCategory.RENOVATION,
        provincial_batch__isnull=True,
        plan_year__in=CITY_PLAN_YEARS,
        funding_mode=FundingMode.OPTIMISED,
    )
)


def expected_funding_mode(category: str, batch: int | None, plan_year: int | None) -> str | None:
    """The funding mode the policy gives a project of this category and batch or plan year;
    None when it gives none (no batch and no plan year, or a plan year outside the plan)."""
    if category == FutureCategory.NEW_BUILD:
        return FundingMode.SELF_FUNDED if batch or plan_year else None
    if batch:
        return FundingMode.ORIGINAL
    if plan_year in CITY_PLAN_YEARS:
        return FundingMode.OPTIMISED
    return None


def _schedule(batch: int | None, plan_year: int | None) -> str:
    if batch:
        return _("provincial batch %(batch)s") % {"batch": batch}
    return _("the city plan %(year)s") % {"year": plan_year}


def check_funding_model(
    *, category: str, batch: int | None, plan_year: int | None, funding_mode: str
) -> None:
    """Refuse, on the field concerned, a project whose funding mode is not the one its category
    and batch or plan year take."""
    if not batch and not plan_year:
        raise ValidationError(
            {
                "provincial_batch": _(
                    "Give the provincial batch (1–7) or the city plan year (2024 or 2025): the "
                    "funding model follows from it."
                )
            }
        )
    if batch and plan_year:
        raise ValidationError(
            {
                "plan_year": _(
                    "A project is either in a provincial batch or in the city plan, not both; "
                    "clear one of them."
                )
            }
        )
    expected = expected_funding_mode(category, batch, plan_year)
    if expected is None:
        raise ValidationError(
            {
                "plan_year": _(
                    "The city's creation plan covers %(years)s; the policy gives a renovation "
                    "project in plan year %(year)s no funding model."
                )
                % {"years": "–".join(str(y) for y in CITY_PLAN_YEARS), "year": plan_year}
            }
        )
    if category and funding_mode and funding_mode != expected:
        raise ValidationError(
            {
                "funding_mode": _(
                    "A %(category)s project in %(schedule)s is funded by “%(expected)s”, not "
                    "“%(given)s”."
                )
                % {
                    "category": FutureCategory(category).label.lower()
                    if category in FutureCategory.values
                    else category,
                    "schedule": _schedule(batch, plan_year),
                    "expected": FundingMode(expected).label,
                    "given": FundingMode(funding_mode).label
                    if funding_mode in FundingMode.values
                    else funding_mode,
                }
            }
        )
