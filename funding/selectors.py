"""Reads of the funding app: the policy in force, envelope figures and money panels."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.roles import Role, has_role
from communities.worklist import WorkItem, counted

from .calculator import PolicyRule, SubsidyResult, calculate
from .choices import (
    AFTER_NAMING_STAGES,
    PAYABLE_STATES,
    RELEASED_STATES,
    TRANCHE_FOLLOWS,
    BudgetSource,
    PolicyCase,
    TrancheStage,
    TrancheState,
)
from .models import BudgetEnvelope, SubsidyPolicy, Tranche, overdue_cutoff
from .money import ZERO, format_yuan_unit

# What a tranche may not fall due before, in the reader's language.
SUBJECT_APPROVED = {
    False: gettext_lazy("the project's approval"),
    True: gettext_lazy("the plan's approval"),
}
NAMED = gettext_lazy("the provincial naming")
FOLLOWED_TRANCHE = gettext_lazy("the tranche “%(stage)s”")


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
            % {"case": PolicyCase(case).label, "date": on.isoformat()}
        )
    return policy


def subsidy_for(rule: PolicyRule, inputs: dict, entered_amount=None) -> SubsidyResult:
    """Run the calculator on a plan's or project's inputs; its input errors become
    ValidationErrors."""
    try:
        return calculate(rule, entered_amount=entered_amount, **inputs)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def tranche_of(*, stage: str, plan=None, project=None) -> Tranche | None:
    """The tranche of a plan or project for one stage, if there is one (there is at most one)."""
    subject = {"plan": plan} if plan is not None else {"project": project}
    return Tranche.objects.filter(stage=stage, **subject).first()


def earliest_due(tranche: Tranche, *, after=()) -> tuple[date, str] | None:
    """The first day the tranche may fall due, with what happened that day: its plan's or
    project's approval, the naming (for what follows it), the tranches it follows
    (TRANCHE_FOLLOWS) and ``after`` ((date or datetime, label) pairs the caller knows of).
    None when nothing bounds it."""
    subject = tranche.plan if tranche.plan_id else tranche.project
    bounds = [(subject.approval_date, SUBJECT_APPROVED[bool(tranche.plan_id)])]
    if tranche.stage in AFTER_NAMING_STAGES:
        bounds.append((subject.named_date, NAMED))
    followed = TRANCHE_FOLLOWS.get(tranche.stage, ())
    if followed and tranche.project_id:
        earlier = Tranche.objects.filter(
            project_id=tranche.project_id, stage__in=followed, due_on__isnull=False
        ).values_list("stage", "due_on")
        bounds.extend(
            (due_on, FOLLOWED_TRANCHE % {"stage": TrancheStage(stage).label})
            for stage, due_on in earlier
        )
    for moment, label in after:
        if isinstance(moment, datetime):
            moment = timezone.localdate(moment)
        bounds.append((moment, label))
    known = [(day, label) for day, label in bounds if day is not None]
    return max(known, key=lambda bound: bound[0]) if known else None


def due_date_refusal(tranche: Tranche, *, on: date, after=()) -> str:
    """Why the tranche cannot fall due on ``on`` (a day before what it follows); "" when it can."""
    bound = earliest_due(tranche, after=after)
    if bound is None or on >= bound[0]:
        return ""
    return _(
        "“%(stage)s” cannot fall due on %(date)s, before %(event)s on %(earliest)s: check the "
        "dates of the stages."
    ) % {
        "stage": TrancheStage(tranche.stage).label,
        "date": on.isoformat(),
        "event": bound[1],
        "earliest": bound[0].isoformat(),
    }


def tranches_of_project(project) -> list[Tranche]:
    """A project's tranches, in the order they were committed."""
    return list(Tranche.objects.filter(project=project).order_by("pk"))


def envelope_with_figures(*, fiscal_year: int, source: str) -> BudgetEnvelope | None:
    """The envelope of a fiscal year and source with committed, paid and remaining."""
    return (
        BudgetEnvelope.objects.with_figures().filter(fiscal_year=fiscal_year, source=source).first()
    )


def budget_shortfall(*, fiscal_year: int, source: str, amount: Decimal, releasing=ZERO) -> str:
    """Why the envelope of a fiscal year and source cannot hold ``amount`` more (``releasing``:
    what the tranche held before, given back), naming the envelope and the shortfall; "" when
    it can. Exactly what remains can still be committed."""
    figures = envelope_with_figures(fiscal_year=fiscal_year, source=source)
    available = figures.remaining + releasing
    if amount <= available:
        return ""
    return _(
        "Budget envelope %(envelope)s has %(available)s left but this needs %(amount)s: "
        "short by %(shortfall)s."
    ) % {
        "envelope": figures,
        "available": format_yuan_unit(available),
        "amount": format_yuan_unit(amount),
        "shortfall": format_yuan_unit(amount - available),
    }


def envelope_amount_refusal(*, fiscal_year: int, source: str, amount) -> str:
    """Why an envelope may not be set to ``amount`` (it is below what is committed), or ""."""
    figures = envelope_with_figures(fiscal_year=fiscal_year, source=source)
    if figures is None or amount >= figures.committed:
        return ""
    return _("%(committed)s is already committed from this envelope.") % {
        "committed": format_yuan_unit(figures.committed)
    }


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


# Neither paid nor released (cancelled, returned): what is still to be paid of a subsidy.
UNPAID = ~Q(state__in=RELEASED_STATES) & ~Q(state=TrancheState.PAID)
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def unpaid_of_plans(plan_ref: str = "pk") -> Subquery:
    """The unpaid amount of the plan ``plan_ref`` names, for annotating a list of plans."""
    unpaid = (
        Tranche.objects.filter(UNPAID, plan=OuterRef(plan_ref))
        .order_by()
        .values("plan")
        .annotate(sum=Sum("amount"))
        .values("sum")
    )
    return Coalesce(Subquery(unpaid, output_field=MONEY_FIELD), Value(ZERO))


def unpaid_of(plan) -> Decimal:
    """What is still to be paid of a plan's subsidy: its ``unpaid_subsidy`` annotation when a
    list gave it one (``unpaid_of_plans``), else one query."""
    if "unpaid_subsidy" in plan.__dict__:
        return plan.unpaid_subsidy
    return Tranche.objects.filter(UNPAID, plan=plan).aggregate(
        sum=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD)
    )["sum"]


def worklist_for(user) -> list[WorkItem]:
    """Tranches waiting for finance: overdue ones first, due ones to approve, approved ones to
    pay, and the original-model and Ningbo pass-through tranches whose amount finance has still
    to enter. Each item links to the list filtered to exactly the tranches it counts."""
    if not has_role(user, Role.FINANCE_OFFICER):
        return []
    awaiting = Q(state=TrancheState.SCHEDULED, amount=ZERO)  # as Tranche.awaiting_amount
    overdue = Q(state__in=PAYABLE_STATES, due_on__lt=overdue_cutoff())  # as Tranche.is_overdue
    counts = Tranche.objects.aggregate(
        overdue=Count("pk", filter=overdue),
        due=Count("pk", filter=Q(state=TrancheState.DUE)),
        approved=Count("pk", filter=Q(state=TrancheState.APPROVED)),
        original=Count("pk", filter=awaiting & Q(stage=TrancheStage.ORIGINAL_MODEL)),
        passthrough=Count("pk", filter=awaiting & Q(stage=TrancheStage.NINGBO_PASSTHROUGH)),
    )
    page = reverse("funding:tranche_list")
    awaiting_query = f"{page}?state={TrancheState.SCHEDULED}&stage="
    return counted(
        [
            WorkItem(
                _("Overdue tranches (unpaid more than %(days)s days after falling due)")
                % {"days": settings.TRANCHE_OVERDUE_DAYS},
                counts["overdue"],
                f"{page}?overdue=yes",
            ),
            WorkItem(_("Tranches due: approve"), counts["due"], f"{page}?state=due"),
            WorkItem(_("Approved tranches: pay"), counts["approved"], f"{page}?state=approved"),
            WorkItem(
                _("Original-model tranches: enter the amount"),
                counts["original"],
                awaiting_query + TrancheStage.ORIGINAL_MODEL,
            ),
            WorkItem(
                _("Ningbo pass-through: record the subsidy received"),
                counts["passthrough"],
                awaiting_query + TrancheStage.NINGBO_PASSTHROUGH,
            ),
        ]
    )


@dataclass(frozen=True)
class Explanation:
    """How a tranche's amount came about, as lines and warnings to show."""

    lines: list
    warnings: list


def tranche_explanation(tranche: Tranche) -> Explanation:
    """The explanation in the reader's language, recomputed from the rule as applied and the
    inputs kept on the tranche, with warnings checked now: a missing budget envelope, and
    inputs the plan or project has changed since. If the recomputation does not give the
    recorded subsidy, the recorded text is shown, since that is what was decided."""
    changes = input_changes(tranche)
    recorded = Explanation(lines=list(tranche.explanation), warnings=tranche.warnings + changes)
    try:
        inputs = {key: Decimal(value) for key, value in (tranche.inputs or {}).items()}
        entered = inputs.pop("entered", None)
        result = calculate(tranche.applied_rule(), entered_amount=entered, **inputs)
    except (ValueError, TypeError, KeyError, ArithmeticError):
        return recorded
    if result.subsidy != tranche.subsidy_total:
        return recorded
    warnings = [str(line) for line in result.warnings] + changes
    budgeted = tranche.source != BudgetSource.NINGBO and tranche.state not in RELEASED_STATES
    envelope = BudgetEnvelope.objects.filter(fiscal_year=tranche.fiscal_year, source=tranche.source)
    if budgeted and not envelope.exists():
        warnings.append(missing_envelope_message(tranche.fiscal_year, tranche.source))
    return Explanation(lines=[str(line) for line in result.explanation], warnings=warnings)


# The inputs a tranche keeps, and where the plan or project holds them now.
PLAN_INPUTS = {
    "investment": ("total_investment", gettext_lazy("approved investment")),
    "policy_fee": ("policy_fee", gettext_lazy("policy handling fee")),
    "settled": ("settled_investment", gettext_lazy("settled investment")),
}
PROJECT_INPUTS = {"investment": ("creation_investment", gettext_lazy("creation investment"))}


def input_changes(tranche: Tranche) -> list[str]:
    """Warnings for each input the plan or project has changed since the tranche was computed,
    so that finance sees it before paying an amount worked out from old figures."""
    if tranche.state not in (TrancheState.SCHEDULED, *PAYABLE_STATES):
        return []
    fields = PLAN_INPUTS if tranche.plan_id else PROJECT_INPUTS
    subject = tranche.subject
    changes = []
    for key, (field, label) in fields.items():
        if key not in (tranche.inputs or {}):
            continue
        now = getattr(subject, field)
        try:
            then = Decimal(tranche.inputs[key])
        except ArithmeticError:
            continue
        if now is not None and now != then:
            changes.append(
                _("The %(input)s is now %(now)s; this tranche was computed from %(then)s.")
                % {"input": label, "now": format_yuan_unit(now), "then": format_yuan_unit(then)}
            )
    return changes


def missing_envelope_message(fiscal_year: int, source: str) -> str:
    """The warning that no budget envelope covers a fiscal year and source."""
    return _("There is no %(source)s budget envelope for %(year)s.") % {
        "source": BudgetSource(source).label,
        "year": fiscal_year,
    }


def subject_url(tranche: Tranche) -> str:
    """The page of the plan or project a tranche pays for."""
    if tranche.plan_id:
        return reverse("projects:plan_detail", args=[tranche.plan_id])
    return reverse("projects:future_detail", args=[tranche.project_id])
