"""Writes of the funding app: commitments from the plan and project life cycles, and finance's
approve / pay / cancel / return. Each runs in a transaction, locks what it changes and records
an audit event; callers may wrap them in their own transaction."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communities import outbox
from communities.access import ensure_role
from communities.notifications import notify_users
from communities.roles import Role, subdistrict_staff_of
from communities.texts import Text
from projects.choices import FundingMode, FutureCategory, FutureStage, FutureType

from .calculator import PolicyRule, SubsidyResult, calculate
from .choices import (
    ENTERED_STAGES,
    BudgetSource,
    BulkOutcome,
    EventNote,
    ExportState,
    PolicyCase,
    TrancheStage,
    TrancheState,
)
from .models import BudgetEnvelope, DisbursementExport, Tranche, TrancheEvent
from .money import MAX_TRANCHE_AMOUNT, ZERO, format_yuan, format_yuan_unit, to_fen
from .selectors import (
    envelope_amount_refusal,
    envelope_with_figures,
    missing_envelope_message,
    policy_in_force,
    policy_in_force_or_none,
)
from .tasks import build_disbursement_export

AMOUNT_NOT_POSITIVE = gettext_lazy("The amount must be greater than zero.")
# Kept in step with money.MAX_TRANCHE_AMOUNT.
AMOUNT_IMPLAUSIBLE = gettext_lazy(
    "One tranche can be at most 100,000,000.00 yuan: check the figure."
)

# Which tranche a future-community stage makes due.
STAGE_TRIGGERS = {
    FutureStage.JOINT_ACCEPTANCE_PASSED: TrancheStage.FUTURE_JOINT_ACCEPTANCE,
    FutureStage.NAMED: TrancheStage.FUTURE_NAMING,
}


# ---------------------------------------------------------------- commitments (life cycles)


@transaction.atomic
def subsidy_commit_for_plan(*, plan, actor) -> Tranche:
    """At plan approval: commit the gap-filling subsidy from the policy in force that day."""
    on = plan.approval_date or timezone.localdate()
    existing = _locked_tranche(plan=plan, stage=TrancheStage.GAP_AFTER_ACCEPTANCE)
    if existing is not None and existing.state != TrancheState.CANCELLED:
        return existing
    policy = policy_in_force(case=PolicyCase.GAP_FILLING, on=on)
    inputs = {"investment": plan.total_investment, "policy_fee": plan.policy_fee}
    result = _calculate(policy.as_rule(), inputs)
    unbudgeted = _ensure_budget(
        fiscal_year=on.year, source=BudgetSource.CITY, amount=result.subsidy
    )
    tranche = existing or Tranche(plan=plan, stage=TrancheStage.GAP_AFTER_ACCEPTANCE)
    from_state = tranche.state if existing else ""
    _fill(tranche, policy=policy, inputs=inputs, result=result, amount=result.subsidy)
    _warn(tranche, unbudgeted)
    tranche.subdistrict_id = plan.subdistrict_id
    tranche.fiscal_year = on.year
    tranche.state = TrancheState.SCHEDULED
    tranche.due_on = None
    _save(tranche, actor=actor, from_state=from_state, comment=EventNote.COMMITTED_AT_PLAN_APPROVAL)
    return tranche


@transaction.atomic
def subsidy_settle_for_plan(*, plan, actor) -> Tranche:
    """At acceptance: recompute with the settled investment (capped at the approved one) and
    make the gap-filling tranche due."""
    tranche = _locked_tranche(plan=plan, stage=TrancheStage.GAP_AFTER_ACCEPTANCE)
    if tranche is None or tranche.state == TrancheState.CANCELLED:
        raise ValidationError(_("This plan has no committed subsidy to settle."))
    if tranche.state not in (TrancheState.SCHEDULED, TrancheState.DUE):
        raise ValidationError(
            _("The subsidy is already %(state)s and can no longer be recomputed.")
            % {"state": tranche.get_state_display()}
        )
    inputs = {
        "investment": plan.total_investment,
        "policy_fee": plan.policy_fee,
        "settled": plan.settled_investment,
    }
    result = _calculate(tranche.applied_rule(), inputs)
    unbudgeted = ""
    if result.subsidy > tranche.amount:
        unbudgeted = _ensure_budget(
            fiscal_year=tranche.fiscal_year,
            source=tranche.source,
            amount=result.subsidy,
            releasing=tranche.amount,
        )
    from_state = tranche.state
    _fill(
        tranche,
        policy=tranche.policy,
        rule=tranche.applied_rule(),
        inputs=inputs,
        result=result,
        amount=result.subsidy,
    )
    _warn(tranche, unbudgeted)
    tranche.state = TrancheState.DUE
    tranche.due_on = plan.acceptance_date or timezone.localdate()
    _save(tranche, actor=actor, from_state=from_state, comment=EventNote.SETTLED_AT_ACCEPTANCE)
    return tranche


@transaction.atomic
def subsidy_commit_for_project(*, project, actor) -> list[Tranche]:
    """At 立项: optimised model → three tranches (the first due now); original model → one
    tranche whose amount finance enters; new build or self-funded → none."""
    on = project.approval_date or timezone.localdate()
    if (
        project.category == FutureCategory.NEW_BUILD
        or project.funding_mode == FundingMode.SELF_FUNDED
    ):
        return []
    existing = list(Tranche.objects.select_for_update(of=("self",)).filter(project=project))
    if existing:
        return existing
    fields = {"project": project, "subdistrict_id": project.community.subdistrict_id}
    if project.funding_mode == FundingMode.ORIGINAL:
        policy = policy_in_force(case=PolicyCase.FUTURE_ORIGINAL, on=on)
        result = _calculate(policy.as_rule(), {})
        tranche = Tranche(stage=TrancheStage.ORIGINAL_MODEL, fiscal_year=on.year, **fields)
        _fill(tranche, policy=policy, inputs={}, result=result, amount=ZERO)
        _save(tranche, actor=actor, comment=EventNote.AWAITING_FINANCE_AMOUNT)
        return [tranche]
    policy = policy_in_force(case=PolicyCase.FUTURE_OPTIMISED, on=on)
    inputs = {"investment": project.creation_investment}
    result = _calculate(policy.as_rule(), inputs)
    unbudgeted = _ensure_budget(
        fiscal_year=on.year, source=BudgetSource.CITY, amount=result.subsidy
    )
    tranches = []
    for index, (stage, amount) in enumerate(result.tranches):
        tranche = Tranche(stage=stage, fiscal_year=on.year, **fields)
        _fill(tranche, policy=policy, inputs=inputs, result=result, amount=amount)
        _warn(tranche, unbudgeted)
        if index == 0:
            tranche.state, tranche.due_on = TrancheState.DUE, on
        _save(tranche, actor=actor, comment=EventNote.COMMITTED_AT_PROJECT_APPROVAL)
        tranches.append(tranche)
    return tranches


@transaction.atomic
def project_stage_reached(*, project, stage: str, actor, on: date | None = None) -> list[Tranche]:
    """Joint acceptance and naming make their tranches due from the day the stage was reached
    (``on``; the naming date or today when not given); naming a leading project opens its
    Ningbo pass-through tranche. Other stages change nothing."""
    changed = []
    if on is None and stage == FutureStage.NAMED:
        on = project.named_date
    on = on or timezone.localdate()
    trigger = STAGE_TRIGGERS.get(stage)
    tranche = _locked_tranche(project=project, stage=trigger) if trigger else None
    if tranche is not None and tranche.state == TrancheState.SCHEDULED:
        tranche.state, tranche.due_on = TrancheState.DUE, on
        _save(tranche, actor=actor, from_state=TrancheState.SCHEDULED, comment=trigger)
        changed.append(tranche)
    leading = project.project_type == FutureType.LEADING
    if stage == FutureStage.NAMED and leading:
        passthrough = _open_passthrough(project=project, actor=actor)
        if passthrough is not None:
            changed.append(passthrough)
    return changed


@transaction.atomic
def passthrough_record_receipt(*, project, amount: Decimal, actor) -> Tranche:
    """Finance records the Ningbo subsidy received for a named leading project; it becomes due."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    tranche = _locked_tranche(project=project, stage=TrancheStage.NINGBO_PASSTHROUGH)
    if tranche is None:
        raise ValidationError(
            _("Only a provincially named leading project receives Ningbo's subsidy.")
        )
    return _enter_amount(tranche, amount=amount, actor=actor)


@transaction.atomic
def operations_reward_make_due(*, project, actor) -> Tranche:
    """After a passed operations assessment of a named project: the 600,000 reward, due.
    Confirmed by the operations assessor (DESIGN §1: 融媒体中心 confirms operating rewards)."""
    ensure_role(actor, Role.OPERATIONS_ASSESSOR)
    if project.stage != FutureStage.NAMED:
        raise ValidationError(
            _("The operations reward needs a provincially named future community.")
        )
    existing = _locked_tranche(project=project, stage=TrancheStage.OPERATIONS_REWARD)
    if existing is not None:
        return existing
    today = timezone.localdate()
    policy = policy_in_force(case=PolicyCase.FUTURE_OPERATIONS, on=today)
    result = _calculate(policy.as_rule(), {})
    unbudgeted = _ensure_budget(
        fiscal_year=today.year, source=BudgetSource.CITY, amount=result.subsidy
    )
    tranche = Tranche(
        project=project,
        subdistrict_id=project.community.subdistrict_id,
        stage=TrancheStage.OPERATIONS_REWARD,
        fiscal_year=today.year,
        state=TrancheState.DUE,
        due_on=today,
    )
    _fill(tranche, policy=policy, inputs={}, result=result, amount=result.subsidy)
    _warn(tranche, unbudgeted)
    _save(tranche, actor=actor, comment=EventNote.OPERATIONS_ASSESSMENT_PASSED)
    return tranche


# ---------------------------------------------------------------- finance actions


@transaction.atomic
def tranche_set_amount(*, tranche: Tranche, amount: Decimal, actor) -> Tranche:
    """Finance enters the amount of an original-model or pass-through tranche; it becomes due."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    return _enter_amount(_lock(tranche), amount=amount, actor=actor)


@transaction.atomic
def tranche_approve(*, tranche: Tranche, actor, comment: str = "") -> Tranche:
    """Finance approves a due tranche for payment; approving it again changes nothing."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    tranche = _lock(tranche)
    if tranche.state == TrancheState.APPROVED:
        return tranche
    _require_state(tranche, TrancheState.DUE)
    tranche.state = TrancheState.APPROVED
    _save(tranche, actor=actor, from_state=TrancheState.DUE, comment=comment)
    return tranche


@transaction.atomic
def tranche_mark_paid(*, tranche: Tranche, actor, voucher_number: str, paid_on: date) -> Tranche:
    """Finance records the payment of an approved tranche. Paying it again with the same
    voucher changes nothing; with another voucher it is refused."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    voucher_number = (voucher_number or "").strip()
    if not voucher_number:
        raise ValidationError({"voucher_number": _("Enter the payment voucher number.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    tranche = _lock(tranche)
    if tranche.state == TrancheState.PAID:
        if tranche.voucher_number == voucher_number:
            return tranche
        raise ValidationError(
            _("This tranche was already paid with voucher %(voucher)s.")
            % {"voucher": tranche.voucher_number}
        )
    _require_state(tranche, TrancheState.APPROVED)
    if tranche.due_on is not None and paid_on < tranche.due_on:
        raise ValidationError(
            {
                "paid_on": _("The payment date cannot be before the tranche became due (%(due)s).")
                % {"due": tranche.due_on.isoformat()}
            }
        )
    tranche.state = TrancheState.PAID
    tranche.voucher_number, tranche.paid_on = voucher_number, paid_on
    _save(tranche, actor=actor, from_state=TrancheState.APPROVED, comment=voucher_number)
    # The subdistrict reads it in the portal's language, whatever finance's page was in.
    notify_users(
        recipients=subdistrict_staff_of(tranche.subdistrict_id),
        subject=Text(
            gettext_noop("Subsidy paid: %(tranche)s"),
            tranche=Text(
                "%(subject)s · %(stage)s",
                subject=str(tranche.subject),
                stage=Text.choice(TrancheStage, tranche.stage),
            ),
        ),
        body=Text(
            gettext_noop("%(amount)s yuan was paid on %(date)s, voucher %(voucher)s."),
            amount=format_yuan(tranche.amount),
            date=paid_on,
            voucher=voucher_number,
        ),
        link=reverse("funding:tranche_detail", args=[tranche.pk]),
    )
    return tranche


@transaction.atomic
def tranche_cancel(*, tranche: Tranche, actor, reason: str) -> Tranche:
    """Finance cancels an unpaid tranche, with a reason; its budget is released."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    tranche = _lock(tranche)
    _require_state(tranche, TrancheState.SCHEDULED, TrancheState.DUE, TrancheState.APPROVED)
    return _close(tranche, to_state=TrancheState.CANCELLED, actor=actor, reason=reason)


@transaction.atomic
def tranche_return(*, tranche: Tranche, actor, reason: str) -> Tranche:
    """Finance records that a paid tranche's money came back, with a reason."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    tranche = _lock(tranche)
    _require_state(tranche, TrancheState.PAID)
    return _close(tranche, to_state=TrancheState.RETURNED, actor=actor, reason=reason)


@dataclass(frozen=True)
class RowResult:
    """What a bulk action did to one tranche: done, unchanged (already so) or refused, why."""

    tranche: Tranche
    outcome: str
    reason: str = ""


def tranches_approve(*, tranches, actor, comment: str = "") -> list[RowResult]:
    """Approve several tranches, each through tranche_approve in its own transaction (in key
    order, so two finance officers never lock the same rows the other way round); a refusal
    of one leaves the others done."""

    def approve(tranche):
        if tranche.state == TrancheState.APPROVED:
            return BulkOutcome.UNCHANGED
        tranche_approve(tranche=tranche, actor=actor, comment=comment)
        return BulkOutcome.DONE

    return _each(tranches, approve)


def tranches_mark_paid(
    *, tranches, actor, vouchers: dict[int, str], paid_on: date
) -> list[RowResult]:
    """Record the payment of several tranches on one date, each with its own voucher number,
    each through tranche_mark_paid in its own transaction; a tranche already paid with the
    same voucher is reported unchanged (a second click of the same form changes nothing)."""

    def pay(tranche):
        voucher = (vouchers.get(tranche.pk) or "").strip()
        if tranche.state == TrancheState.PAID and tranche.voucher_number == voucher:
            return BulkOutcome.UNCHANGED
        tranche_mark_paid(tranche=tranche, actor=actor, voucher_number=voucher, paid_on=paid_on)
        return BulkOutcome.DONE

    return _each(tranches, pay)


def _each(tranches, action) -> list[RowResult]:
    """Run ``action`` on each tranche in key order; a refusal is kept as that row's reason."""
    results = []
    for tranche in sorted(tranches, key=lambda row: row.pk):
        try:
            outcome = action(tranche)
        except ValidationError as error:
            results.append(RowResult(tranche, BulkOutcome.REFUSED, " ".join(error.messages)))
        else:
            tranche.refresh_from_db(fields=["state", "voucher_number", "paid_on", "updated_at"])
            results.append(RowResult(tranche, outcome))
    return results


@transaction.atomic
def budget_envelope_save(*, envelope: BudgetEnvelope, actor) -> BudgetEnvelope:
    """Finance creates or changes a budget envelope; it may not drop below what is committed."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    envelope.full_clean()
    if envelope.pk:
        BudgetEnvelope.objects.select_for_update().get(pk=envelope.pk)
        refusal = envelope_amount_refusal(
            fiscal_year=envelope.fiscal_year, source=envelope.source, amount=envelope.amount
        )
        if refusal:
            raise ValidationError({"amount": refusal})
    envelope._history_user = actor
    envelope.save()
    return envelope


# ---------------------------------------------------------------- helpers


def _calculate(rule: PolicyRule, inputs: dict, entered_amount=None) -> SubsidyResult:
    """Run the calculator; its input errors become ValidationErrors."""
    try:
        return calculate(rule, entered_amount=entered_amount, **inputs)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def _fill(
    tranche: Tranche, *, policy, inputs: dict, result: SubsidyResult, amount, rule=None
) -> None:
    """Copy the calculation, the policy version and the rule as applied onto the tranche."""
    rule = rule or policy.as_rule()
    tranche.policy = policy
    tranche.policy_version = rule.label
    tranche.policy_snapshot = rule.as_snapshot()
    tranche.inputs = {key: str(value) for key, value in inputs.items() if value is not None}
    tranche.base, tranche.rate = result.base, result.rate
    tranche.subsidy_total = result.subsidy
    tranche.amount = amount
    tranche.explanation = [str(line) for line in result.explanation]
    tranche.warnings = [str(line) for line in result.warnings]


def _open_passthrough(*, project, actor) -> Tranche | None:
    """Open the Ningbo pass-through tranche of a named leading project, once. A project named
    before the pass-through rule took effect (the 2023 action plan) gets none."""
    if _locked_tranche(project=project, stage=TrancheStage.NINGBO_PASSTHROUGH) is not None:
        return None
    on = project.named_date or timezone.localdate()
    policy = policy_in_force_or_none(case=PolicyCase.FUTURE_PASSTHROUGH, on=on)
    if policy is None:
        return None
    tranche = Tranche(
        project=project,
        subdistrict_id=project.community.subdistrict_id,
        stage=TrancheStage.NINGBO_PASSTHROUGH,
        source=BudgetSource.NINGBO,
        fiscal_year=on.year,
    )
    _fill(tranche, policy=policy, inputs={}, result=_calculate(policy.as_rule(), {}), amount=ZERO)
    _save(tranche, actor=actor, comment=EventNote.AWAITING_NINGBO)
    return tranche


def _enter_amount(tranche: Tranche, *, amount, actor) -> Tranche:
    """Set the amount of a tranche finance enters by hand and make it due."""
    if tranche.stage not in ENTERED_STAGES:
        raise ValidationError(_("This tranche's amount is computed by the policy."))
    _require_state(tranche, TrancheState.SCHEDULED, TrancheState.DUE)
    amount = to_fen(amount)
    if amount <= 0:
        raise ValidationError({"amount": str(AMOUNT_NOT_POSITIVE)})
    if amount > MAX_TRANCHE_AMOUNT:
        raise ValidationError({"amount": str(AMOUNT_IMPLAUSIBLE)})
    unbudgeted = ""
    if tranche.source != BudgetSource.NINGBO:
        unbudgeted = _ensure_budget(
            fiscal_year=tranche.fiscal_year,
            source=tranche.source,
            amount=amount,
            releasing=tranche.amount,
        )
    from_state = tranche.state
    result = _calculate(tranche.applied_rule(), {}, entered_amount=amount)
    _fill(
        tranche,
        policy=tranche.policy,
        rule=tranche.applied_rule(),
        inputs={"entered": amount},
        result=result,
        amount=amount,
    )
    _warn(tranche, unbudgeted)
    tranche.state, tranche.due_on = TrancheState.DUE, tranche.due_on or timezone.localdate()
    _save(tranche, actor=actor, from_state=from_state, comment=EventNote.AMOUNT_ENTERED)
    return tranche


def _ensure_budget(*, fiscal_year: int, source: str, amount: Decimal, releasing=ZERO) -> str:
    """Refuse a commitment the envelope cannot hold, naming the envelope and the shortfall.

    Without any envelope for the year and source the commitment goes ahead with a warning that
    is kept on the tranche, unless settings.FUNDING_REQUIRE_BUDGET_ENVELOPE refuses it too.
    """
    if amount <= 0:
        return ""
    envelope = BudgetEnvelope.objects.select_for_update().filter(
        fiscal_year=fiscal_year, source=source
    )
    if not envelope.exists():
        message = missing_envelope_message(fiscal_year, source)
        if getattr(settings, "FUNDING_REQUIRE_BUDGET_ENVELOPE", False):
            raise ValidationError(message)
        return message
    figures = envelope_with_figures(fiscal_year=fiscal_year, source=source)
    available = figures.remaining + releasing
    if amount > available:
        raise ValidationError(
            _(
                "Budget envelope %(envelope)s has %(available)s left but this needs %(amount)s: "
                "short by %(shortfall)s."
            )
            % {
                "envelope": figures,
                "available": format_yuan_unit(available),
                "amount": format_yuan_unit(amount),
                "shortfall": format_yuan_unit(amount - available),
            }
        )
    return ""


def _warn(tranche: Tranche, warning: str) -> None:
    """Keep a budget warning on the tranche next to the calculator's own."""
    if warning:
        tranche.warnings = [*tranche.warnings, str(warning)]


def _lock(tranche: Tranche) -> Tranche:
    """Lock the tranche row and read it afresh."""
    return (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("policy", "subdistrict")
        .get(pk=tranche.pk)
    )


def _locked_tranche(*, stage, plan=None, project=None) -> Tranche | None:
    subject = {"plan": plan} if plan is not None else {"project": project}
    return (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("policy")
        .filter(stage=stage, **subject)
        .first()
    )


def _require_state(tranche: Tranche, *states: str) -> None:
    if tranche.state not in states:
        raise ValidationError(
            _("This tranche is %(state)s; that is not possible now.")
            % {"state": tranche.get_state_display()}
        )


def _close(tranche: Tranche, *, to_state: str, actor, reason: str) -> Tranche:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    from_state = tranche.state
    tranche.state = to_state
    tranche.note = "\n".join(filter(None, [tranche.note, reason]))
    _save(tranche, actor=actor, from_state=from_state, comment=reason)
    return tranche


def _save(tranche: Tranche, *, actor, from_state: str = "", comment: str = "") -> None:
    """Validate, save with the actor in the history and write the audit event."""
    tranche.full_clean()
    tranche._history_user = actor
    tranche.save()
    TrancheEvent.objects.create(
        tranche=tranche,
        from_state=from_state,
        to_state=tranche.state,
        amount=tranche.amount,
        actor=actor,
        comment=comment,
    )


@transaction.atomic
def disbursement_export_request(*, actor, filters: dict, filter_summary: str) -> DisbursementExport:
    """Finance asks for the disbursement sheet of what it sees; a task writes it after commit."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    export = DisbursementExport.objects.create(
        requested_by=actor, filters=filters, filter_summary=filter_summary[:500]
    )
    outbox.enqueue(
        build_disbursement_export, label=gettext_lazy("the disbursement sheet"), export_id=export.pk
    )
    return export


@transaction.atomic
def disbursement_export_retry(*, actor, export: DisbursementExport) -> DisbursementExport:
    """Ask again, with the same filters, for a sheet whose export failed; the failed one stays."""
    ensure_role(actor, Role.FINANCE_OFFICER)
    if export.state != ExportState.FAILED:
        raise ValidationError(_("Only a failed export can be asked for again."))
    return disbursement_export_request(
        actor=actor, filters=export.filters, filter_summary=export.filter_summary
    )
