"""Reads of the funding app: the policy in force, envelope figures and money panels."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.roles import Role, has_role
from communities.worklist import WorkItem, counted

from .choices import PAYABLE_STATES, RELEASED_STATES, TrancheStage, TrancheState
from .models import BudgetEnvelope, SubsidyPolicy, Tranche
from .money import ZERO


def policy_in_force_or_none(*, case: str, on: date) -> SubsidyPolicy | None:
    """The newest policy row of a case whose dates include ``on``, if there is one."""
    return (
        SubsidyPolicy.objects.filter(case=case, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from", "-version")
        .first()
    )


def policy_in_force(*, case: str, on: date) -> SubsidyPolicy:
    """The newest policy row of a case whose dates include ``on``; refused when none is."""
    policy = policy_in_force_or_none(case=case, on=on)
    if policy is None:
        raise ValidationError(
            _("No subsidy policy for %(case)s is in force on %(date)s.")
            % {"case": case, "date": on.isoformat()}
        )
    return policy


def envelope_with_figures(*, fiscal_year: int, source: str) -> BudgetEnvelope | None:
    """The envelope of a fiscal year and source with committed, paid and remaining."""
    return (
        BudgetEnvelope.objects.with_figures().filter(fiscal_year=fiscal_year, source=source).first()
    )


@dataclass(frozen=True)
class MoneyPanel:
    """A plan's or project's subsidy at a glance: total, paid, due and remaining to pay."""

    total: object
    paid: object
    due: object
    remaining: object
    tranches: list


def money_panel_for(*, plan=None, project=None) -> MoneyPanel:
    """Total, paid, due (due or approved) and remaining of one plan's or project's tranches."""
    if (plan is None) == (project is None):
        raise ValueError("pass exactly one of plan and project")
    tranches = Tranche.objects.filter(plan=plan) if plan is not None else None
    if tranches is None:
        tranches = Tranche.objects.filter(project=project)
    money = DecimalField(max_digits=14, decimal_places=2)

    def total(condition):
        return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=money)

    figures = tranches.aggregate(
        total=total(~Q(state__in=RELEASED_STATES)),
        paid=total(Q(state=TrancheState.PAID)),
        due=total(Q(state__in=PAYABLE_STATES)),
    )
    return MoneyPanel(
        total=figures["total"],
        paid=figures["paid"],
        due=figures["due"],
        remaining=figures["total"] - figures["paid"],
        tranches=list(tranches.order_by("pk")),
    )


def worklist_for(user) -> list[WorkItem]:
    """Tranches waiting for finance: due ones to approve, approved ones to pay, entered amounts."""
    if not has_role(user, Role.FINANCE_OFFICER):
        return []
    counts = Tranche.objects.aggregate(
        due=Count("pk", filter=Q(state=TrancheState.DUE)),
        approved=Count("pk", filter=Q(state=TrancheState.APPROVED)),
        to_enter=Count(
            "pk",
            filter=Q(
                stage__in=[TrancheStage.ORIGINAL_MODEL, TrancheStage.NINGBO_PASSTHROUGH],
                amount=ZERO,
            )
            & ~Q(state__in=RELEASED_STATES),
        ),
    )
    page = reverse("funding:tranche_list")
    return counted(
        [
            WorkItem(_("Tranches due: approve"), counts["due"], f"{page}?state=due"),
            WorkItem(_("Approved tranches: pay"), counts["approved"], f"{page}?state=approved"),
            WorkItem(
                _("Tranches whose amount finance enters"),
                counts["to_enter"],
                f"{page}?stage=original_model",
            ),
        ]
    )
