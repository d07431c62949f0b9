"""Writes of the funding app: commitments from the plan and project life cycles, and finance's
approve / pay / cancel / return. Each runs in a transaction, locks what it changes, checks the
step against its table in ``funding.lifecycles`` and records an audit event; callers may wrap
them in their own transaction."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communities import outbox
from communities.access import CHANGE, ensure
from communities.choices import (
    PASSING_GRADES,
    AssessmentState,
    FundingMode,
    FutureStage,
    FutureType,
)
from communities.notifications import notify_users
from communities.roles import subdistrict_staff_of
from communities.texts import Text
from communities.writes import locked, save_checked

from .calculator import SubsidyResult
from .choices import BudgetSource, BulkOutcome, EventNote, PolicyCase, TrancheStage, TrancheState
from .lifecycles import EXPORT, TRANCHE
from .models import BudgetEnvelope, DisbursementExport, RequestedExport, Tranche, TrancheEvent
from .money import MAX_TRANCHE_AMOUNT, ZERO, format_yuan, to_fen
from .permissions import OPEN_REWARD
from .selectors import (
    budget_shortfall,
    due_date_refusal,
    envelope_amount_refusal,
    missing_envelope_message,
    policy_in_force,
    policy_in_force_or_none,
    subsidy_for,
    tranche_of,
    tranches_of_project,
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
# What the reward may not fall due before, besides the naming.
ASSESSMENT_CONFIRMED = gettext_lazy("the confirmation of the operations assessment")
# Read with the locked tranche: its policy (for the rule as applied) and its payee.
TRANCHE_RELATED = ("policy", "subdistrict")


# ---------------------------------------------------------------- commitments (life cycles)


@transaction.atomic
def subsidy_commit_for_plan(*, plan, actor) -> Tranche:
    """At plan approval: commit the gap-filling subsidy from the policy in force that day. A plan
    approved again after its subsidy was cancelled gets the same tranche back, recomputed."""
    on = plan.approval_date or timezone.localdate()
    existing = _locked_tranche(plan=plan, stage=TrancheStage.GAP_AFTER_ACCEPTANCE)
    if existing is not None:
        if existing.state not in TRANCHE.sources("recommit"):
            return existing
        TRANCHE.check(actor, "recommit", existing)
    policy = policy_in_force(case=PolicyCase.GAP_FILLING, on=on)
    inputs = {"investment": plan.total_investment, "policy_fee": plan.policy_fee}
    result = subsidy_for(policy.as_rule(), inputs)
    unbudgeted = _ensure_budget(
        fiscal_year=on.year, source=BudgetSource.CITY, amount=result.subsidy
    )
    tranche = existing or Tranche(plan=plan, stage=TrancheStage.GAP_AFTER_ACCEPTANCE)
    _fill(tranche, policy=policy, inputs=inputs, result=result, amount=result.subsidy)
    _warn(tranche, unbudgeted)
    tranche.subdistrict_id = plan.subdistrict_id
    tranche.fiscal_year = on.year
    tranche.due_on = None
    if existing is not None:
        _move(tranche, "recommit", actor=actor, comment=EventNote.COMMITTED_AT_PLAN_APPROVAL)
    else:
        _save_with_event(tranche, actor=actor, comment=EventNote.COMMITTED_AT_PLAN_APPROVAL)
    return tranche


@transaction.atomic
def subsidy_settle_for_plan(*, plan, actor) -> Tranche:
    """At acceptance: recompute with the settled investment (capped at the approved one) and
    make the gap-filling tranche due."""
    tranche = _locked_tranche(plan=plan, stage=TrancheStage.GAP_AFTER_ACCEPTANCE)
    if tranche is None or tranche.state == TrancheState.CANCELLED:
        raise ValidationError(_("This plan has no committed subsidy to settle."))
    TRANCHE.check(actor, "settle", tranche)
    inputs = {
        "investment": plan.total_investment,
        "policy_fee": plan.policy_fee,
        "settled": plan.settled_investment,
    }
    result = subsidy_for(tranche.applied_rule(), inputs)
    if result.subsidy > tranche.amount:
        unbudgeted = _ensure_budget(
            fiscal_year=tranche.fiscal_year,
            source=tranche.source,
            amount=result.subsidy,
            releasing=tranche.amount,
        )
    else:
        # Asking no more than was committed is never refused (the acceptance has happened),
        # but a year that still has no envelope keeps saying so.
        unbudgeted = _envelope_missing(tranche.fiscal_year, tranche.source, result.subsidy)
    _fill(
        tranche,
        policy=tranche.policy,
        rule=tranche.applied_rule(),
        inputs=inputs,
        result=result,
        amount=result.subsidy,
    )
    _warn(tranche, unbudgeted)
    tranche.plan = plan
    _fall_due(tranche, on=plan.acceptance_date or timezone.localdate())
    _move(tranche, "settle", actor=actor, comment=EventNote.SETTLED_AT_ACCEPTANCE)
    return tranche


@transaction.atomic
def subsidy_commit_for_project(*, project, actor) -> list[Tranche]:
    """At 立项: optimised model → three tranches (the first due now); original model → one
    tranche whose amount finance enters; self-funded (every new build, projects.funding_rule)
    → none. The caller holds the project's lock, so two commitments of one project never run
    side by side."""
    on = project.approval_date or timezone.localdate()
    if project.funding_mode == FundingMode.SELF_FUNDED:
        return []
    existing = tranches_of_project(project)
    if existing:
        return existing
    fields = {"project": project, "subdistrict_id": project.community.subdistrict_id}
    if project.funding_mode == FundingMode.ORIGINAL:
        policy = policy_in_force(case=PolicyCase.FUTURE_ORIGINAL, on=on)
        result = subsidy_for(policy.as_rule(), {})
        tranche = Tranche(stage=TrancheStage.ORIGINAL_MODEL, fiscal_year=on.year, **fields)
        _fill(tranche, policy=policy, inputs={}, result=result, amount=ZERO)
        _save_with_event(tranche, actor=actor, comment=EventNote.AWAITING_FINANCE_AMOUNT)
        return [tranche]
    policy = policy_in_force(case=PolicyCase.FUTURE_OPTIMISED, on=on)
    inputs = {"investment": project.creation_investment}
    result = subsidy_for(policy.as_rule(), inputs)
    unbudgeted = _ensure_budget(
        fiscal_year=on.year, source=BudgetSource.CITY, amount=result.subsidy
    )
    tranches = []
    for index, (stage, amount) in enumerate(result.tranches):
        tranche = Tranche(stage=stage, fiscal_year=on.year, **fields)
        _fill(tranche, policy=policy, inputs=inputs, result=result, amount=amount)
        _warn(tranche, unbudgeted)
        if index == 0:  # the approval's own tranche is due from the day of approval
            tranche.state = TrancheState.DUE
            _fall_due(tranche, on=on)
        _save_with_event(tranche, actor=actor, comment=EventNote.COMMITTED_AT_PROJECT_APPROVAL)
        tranches.append(tranche)
    return tranches


@transaction.atomic
def project_stage_reached(*, project, stage: str, actor, on: date | None = None) -> list[Tranche]:
    """Joint acceptance and naming make their tranches due from the day the stage was reached
    (``on``; the naming date or today when not given); naming a leading project opens its
    Ningbo pass-through tranche. Other stages change nothing, nor does a stage whose tranche
    is no longer scheduled."""
    changed = []
    if on is None and stage == FutureStage.NAMED:
        on = project.named_date
    on = on or timezone.localdate()
    trigger = STAGE_TRIGGERS.get(stage)
    tranche = _locked_tranche(project=project, stage=trigger) if trigger else None
    if tranche is not None and tranche.state in TRANCHE.sources("reach_stage"):
        TRANCHE.check(actor, "reach_stage", tranche)
        tranche.project = project
        _fall_due(tranche, on=on)
        _move(tranche, "reach_stage", actor=actor, comment=trigger)
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
    tranche = _locked_tranche(project=project, stage=TrancheStage.NINGBO_PASSTHROUGH)
    if tranche is None:
        raise ValidationError(
            _("Only a provincially named leading project receives Ningbo's subsidy.")
        )
    return _enter_amount(tranche, amount=amount, actor=actor)


@transaction.atomic
def operations_reward_make_due(*, project, assessment, actor) -> Tranche:
    """After a passed operations assessment of a named project is confirmed: the 600,000
    reward, due. Confirmed by the operations assessor (DESIGN §1: 融媒体中心 confirms operating
    rewards). Whoever calls it, the assessment is read again here, locked, and must be this
    project's, confirmed and passed, and the project provincially named."""
    today = timezone.localdate()
    tranche = Tranche(
        project=project,
        subdistrict_id=project.community.subdistrict_id,
        stage=TrancheStage.OPERATIONS_REWARD,
        fiscal_year=today.year,
        state=TrancheState.DUE,
    )
    ensure(actor, OPEN_REWARD, tranche)
    assessment = _locked_reward_assessment(project=project, assessment=assessment)
    existing = _locked_tranche(project=project, stage=TrancheStage.OPERATIONS_REWARD)
    if existing is not None:
        return existing
    tranche.project = assessment.project
    _fall_due(tranche, on=today, after=[(assessment.confirmed_at, ASSESSMENT_CONFIRMED)])
    policy = policy_in_force(case=PolicyCase.FUTURE_OPERATIONS, on=today)
    result = subsidy_for(policy.as_rule(), {})
    unbudgeted = _ensure_budget(
        fiscal_year=today.year, source=BudgetSource.CITY, amount=result.subsidy
    )
    _fill(tranche, policy=policy, inputs={}, result=result, amount=result.subsidy)
    _warn(tranche, unbudgeted)
    _save_with_event(tranche, actor=actor, comment=EventNote.OPERATIONS_ASSESSMENT_PASSED)
    return tranche


def _locked_reward_assessment(*, project, assessment):
    """The assessment the reward follows, locked and read again with its project; refused
    unless it is of this project, confirmed and passed, and the project is named. The model is
    looked up by label: operations calls funding, so funding cannot import it back."""
    if assessment is None or assessment.pk is None:
        raise ValidationError(
            _(
                "The operations reward needs a confirmed, passed operations assessment of this "
                "future community."
            )
        )
    model = apps.get_model("operations", "OperationsAssessment")
    row = locked(model, assessment.pk, "project__community")
    if row.project_id is None or row.project_id != project.pk:
        raise ValidationError(
            _("This assessment is of another subject; the reward follows this community's own.")
        )
    if row.state != AssessmentState.CONFIRMED:
        raise ValidationError(
            _("The assessment is not confirmed yet; the reward follows a confirmed assessment.")
        )
    if row.grade not in PASSING_GRADES:
        raise ValidationError(
            _("The assessment did not pass; the reward follows a passed assessment.")
        )
    if row.project.stage != FutureStage.NAMED:
        raise ValidationError(
            _("The operations reward needs a provincially named future community.")
        )
    return row


# ---------------------------------------------------------------- finance actions


@transaction.atomic
def tranche_set_amount(*, tranche: Tranche, amount: Decimal, actor) -> Tranche:
    """Finance enters the amount of an original-model or pass-through tranche; it becomes due."""
    tranche = locked(Tranche, tranche.pk, *TRANCHE_RELATED)
    return _enter_amount(tranche, amount=amount, actor=actor)


@transaction.atomic
def tranche_approve(*, tranche: Tranche, actor, comment: str = "") -> Tranche:
    """Finance approves a due tranche for payment; approving it again changes nothing."""
    return _approve(tranche, actor=actor, comment=comment)[0]


@transaction.atomic
def tranche_mark_paid(*, tranche: Tranche, actor, voucher_number: str, paid_on: date) -> Tranche:
    """Finance records the payment of an approved tranche. Paying it again with the same
    voucher changes nothing; with another voucher it is refused."""
    return _pay(tranche, actor=actor, voucher_number=voucher_number, paid_on=paid_on)[0]


@transaction.atomic
def tranche_cancel(*, tranche: Tranche, actor, reason: str) -> Tranche:
    """Finance cancels an unpaid tranche, with a reason; its budget is released."""
    return _close(tranche, "cancel", actor=actor, reason=reason)


@transaction.atomic
def tranche_return(*, tranche: Tranche, actor, reason: str) -> Tranche:
    """Finance records that a paid tranche's money came back, with a reason."""
    return _close(tranche, "return", actor=actor, reason=reason)


@dataclass(frozen=True)
class RowResult:
    """What a bulk action did to one tranche: done, unchanged (already so) or refused, why."""

    tranche: Tranche
    outcome: str
    reason: str = ""


def tranches_approve(*, tranches, actor, comment: str = "") -> list[RowResult]:
    """Approve several tranches, each as tranche_approve does, with the same checks, in its own
    transaction (in key order, so two finance officers never lock the same rows the other way
    round); a refusal of one leaves the others done."""
    return _each(tranches, lambda tranche: _approve(tranche, actor=actor, comment=comment)[1])


def tranches_mark_paid(
    *, tranches, actor, vouchers: dict[int, str], paid_on: date
) -> list[RowResult]:
    """Record the payment of several tranches on one date, each with its own voucher number,
    each as tranche_mark_paid does, in its own transaction; a tranche already paid with the
    same voucher is reported unchanged (a second click of the same form changes nothing)."""

    def pay(tranche) -> bool:
        voucher = vouchers.get(tranche.pk) or ""
        return _pay(tranche, actor=actor, voucher_number=voucher, paid_on=paid_on)[1]

    return _each(tranches, pay)


def _each(tranches, action) -> list[RowResult]:
    """Run ``action`` (True: it changed the row) on each tranche in key order, each in its own
    transaction; a refusal is kept as that row's reason."""
    results = []
    for tranche in sorted(tranches, key=lambda row: row.pk):
        try:
            with transaction.atomic():
                changed = action(tranche)
        except ValidationError as error:
            results.append(RowResult(tranche, BulkOutcome.REFUSED, " ".join(error.messages)))
        except PermissionDenied as error:
            results.append(RowResult(tranche, BulkOutcome.REFUSED, str(error)))
        else:
            tranche.refresh_from_db(fields=["state", "voucher_number", "paid_on", "updated_at"])
            outcome = BulkOutcome.DONE if changed else BulkOutcome.UNCHANGED
            results.append(RowResult(tranche, outcome))
    return results


@transaction.atomic
def budget_envelope_save(*, envelope: BudgetEnvelope, actor) -> BudgetEnvelope:
    """Finance creates or changes a budget envelope; it may not drop below what is committed."""
    ensure(actor, CHANGE, envelope)
    if envelope.pk:
        locked(BudgetEnvelope, envelope.pk)
        refusal = envelope_amount_refusal(
            fiscal_year=envelope.fiscal_year, source=envelope.source, amount=envelope.amount
        )
        if refusal:
            raise ValidationError({"amount": refusal})
    return save_checked(envelope, actor=actor)


@transaction.atomic
def requested_export_create(
    *, model, job, label, actor, filters: dict, filter_summary: str
) -> RequestedExport:
    """A user asks for a sheet of what they see: the export row and the outbox item of the job
    that writes it, in one transaction; the job is handed to the worker after commit."""
    export = model(requested_by=actor, filters=filters, filter_summary=filter_summary[:500])
    ensure(actor, CHANGE, export)
    save_checked(export, actor=actor)
    outbox.enqueue(job, label=label, export_id=export.pk)
    return export


@transaction.atomic
def requested_export_retry(
    *, lifecycle, actor, export: RequestedExport, request
) -> RequestedExport:
    """Ask again, with the same filters, for a sheet whose export failed (``request``: the
    service that asks for a new one); the failed one stays."""
    export = locked(lifecycle.model, export.pk)
    lifecycle.check(actor, "retry", export)
    return request(actor=actor, filters=export.filters, filter_summary=export.filter_summary)


def disbursement_export_request(*, actor, filters: dict, filter_summary: str) -> DisbursementExport:
    """Finance asks for the disbursement sheet of what it sees; a task writes it after commit."""
    return requested_export_create(
        model=DisbursementExport,
        job=build_disbursement_export,
        label=gettext_lazy("the disbursement sheet"),
        actor=actor,
        filters=filters,
        filter_summary=filter_summary,
    )


def disbursement_export_retry(*, actor, export: DisbursementExport) -> DisbursementExport:
    """Ask again, with the same filters, for a sheet whose export failed; the failed one stays."""
    return requested_export_retry(
        lifecycle=EXPORT, actor=actor, export=export, request=disbursement_export_request
    )


# ---------------------------------------------------------------- steps and helpers


def _approve(tranche: Tranche, *, actor, comment: str) -> tuple[Tranche, bool]:
    """Approve a due tranche; one approved already is left as it is (False: nothing changed)."""
    tranche = locked(Tranche, tranche.pk, *TRANCHE_RELATED)
    if tranche.state == TRANCHE["approve"].target:
        ensure(actor, CHANGE, tranche)
        return tranche, False
    TRANCHE.check(actor, "approve", tranche)
    _move(tranche, "approve", actor=actor, comment=comment)
    return tranche, True


def _pay(tranche: Tranche, *, actor, voucher_number: str, paid_on: date) -> tuple[Tranche, bool]:
    """Record the payment of an approved tranche and tell its subdistrict; one paid already
    with the same voucher is left as it is (False: nothing changed)."""
    voucher_number = (voucher_number or "").strip()
    tranche = locked(Tranche, tranche.pk, *TRANCHE_RELATED)
    if tranche.state == TRANCHE["pay"].target:
        ensure(actor, CHANGE, tranche)
        if tranche.voucher_number == voucher_number:
            return tranche, False
        raise ValidationError(
            _("This tranche was already paid with voucher %(voucher)s.")
            % {"voucher": tranche.voucher_number}
        )
    TRANCHE.check(actor, "pay", tranche)
    if not voucher_number:
        raise ValidationError({"voucher_number": _("Enter the payment voucher number.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    if tranche.due_on is not None and paid_on < tranche.due_on:
        raise ValidationError(
            {
                "paid_on": _("The payment date cannot be before the tranche became due (%(due)s).")
                % {"due": tranche.due_on.isoformat()}
            }
        )
    tranche.voucher_number, tranche.paid_on = voucher_number, paid_on
    _move(tranche, "pay", actor=actor, comment=voucher_number)
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
        link=tranche.get_absolute_url(),
    )
    return tranche, True


def _close(tranche: Tranche, step: str, *, actor, reason: str) -> Tranche:
    """Cancel or return a tranche (``step``), with the reason kept in its note."""
    tranche = locked(Tranche, tranche.pk, *TRANCHE_RELATED)
    TRANCHE.check(actor, step, tranche)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    tranche.note = "\n".join(filter(None, [tranche.note, reason]))
    _move(tranche, step, actor=actor, comment=reason)
    return tranche


def _enter_amount(tranche: Tranche, *, amount, actor) -> Tranche:
    """Set the amount of a (locked) tranche finance enters by hand and make it due."""
    TRANCHE.check(actor, "amount", tranche)
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
    result = subsidy_for(tranche.applied_rule(), {}, entered_amount=amount)
    _fill(
        tranche,
        policy=tranche.policy,
        rule=tranche.applied_rule(),
        inputs={"entered": amount},
        result=result,
        amount=amount,
    )
    _warn(tranche, unbudgeted)
    if tranche.due_on is None:
        _fall_due(tranche, on=timezone.localdate())
    _move(tranche, "amount", actor=actor, comment=EventNote.AMOUNT_ENTERED)
    return tranche


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
    result = subsidy_for(policy.as_rule(), {})
    _fill(tranche, policy=policy, inputs={}, result=result, amount=ZERO)
    _save_with_event(tranche, actor=actor, comment=EventNote.AWAITING_NINGBO)
    return tranche


def _fall_due(tranche: Tranche, *, on: date, after=()) -> None:
    """Make ``on`` the tranche's due date, refused when it is before the approval, the naming
    or a tranche it follows (``funding.selectors.earliest_due``), or ``after``'s dates."""
    refusal = due_date_refusal(tranche, on=on, after=after)
    if refusal:
        raise ValidationError(refusal)
    tranche.due_on = on


def _ensure_budget(*, fiscal_year: int, source: str, amount: Decimal, releasing=ZERO) -> str:
    """Lock the envelope and refuse a commitment it cannot hold, naming the envelope and the
    shortfall.

    Without any envelope for the year and source the commitment goes ahead with a warning that
    is kept on the tranche, unless settings.FUNDING_REQUIRE_BUDGET_ENVELOPE refuses it too.
    """
    if amount <= 0:
        return ""
    envelope = BudgetEnvelope.objects.filter(fiscal_year=fiscal_year, source=source).first()
    if envelope is None:
        message = missing_envelope_message(fiscal_year, source)
        if getattr(settings, "FUNDING_REQUIRE_BUDGET_ENVELOPE", False):
            raise ValidationError(message)
        return message
    locked(BudgetEnvelope, envelope.pk)
    refusal = budget_shortfall(
        fiscal_year=fiscal_year, source=source, amount=amount, releasing=releasing
    )
    if refusal:
        raise ValidationError(refusal)
    return ""


def _envelope_missing(fiscal_year: int, source: str, amount: Decimal) -> str:
    """The warning for money held without any envelope for its year and source, or ""."""
    envelopes = BudgetEnvelope.objects.filter(fiscal_year=fiscal_year, source=source)
    if amount <= 0 or envelopes.exists():
        return ""
    return missing_envelope_message(fiscal_year, source)


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


def _warn(tranche: Tranche, warning: str) -> None:
    """Keep a budget warning on the tranche next to the calculator's own."""
    if warning:
        tranche.warnings = [*tranche.warnings, str(warning)]


def _locked_tranche(*, stage, plan=None, project=None) -> Tranche | None:
    """The plan's or project's tranche of one stage, locked, if there is one."""
    found = tranche_of(stage=stage, plan=plan, project=project)
    return None if found is None else locked(Tranche, found.pk, *TRANCHE_RELATED)


def _move(tranche: Tranche, step: str, *, actor, comment: str = "") -> None:
    """Take a step the table allowed: the tranche goes to the step's state, saved with its
    audit event."""
    from_state = tranche.state
    tranche.state = TRANCHE[step].target
    _save_with_event(tranche, actor=actor, from_state=from_state, comment=comment)


def _save_with_event(tranche: Tranche, *, actor, from_state: str = "", comment: str = "") -> None:
    """Save the tranche with its history (``save_checked``) and write the audit event."""
    save_checked(tranche, actor=actor)
    TrancheEvent.objects.create(
        tranche=tranche,
        from_state=from_state,
        to_state=tranche.state,
        amount=tranche.amount,
        actor=actor,
        comment=comment,
    )
