"""Fixed vocabularies of subsidies, tranches, budgets and exports."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PolicyRoute(models.TextChoices):
    """The route a subsidy policy applies to."""

    FUTURE = "future", _("Future community creation")
    GAP = "gap", _("Gap filling")


class PolicyCase(models.TextChoices):
    """The cases of DESIGN §3's table, one policy row each."""

    FUTURE_OPTIMISED = "future_optimised", _("Future community, renovation, optimised model")
    FUTURE_ORIGINAL = "future_original", _("Future community, provincial batches 1–7")
    FUTURE_NEW_BUILD = "future_new_build", _("Future community, new build")
    FUTURE_PASSTHROUGH = "future_passthrough", _("Leading future community, Ningbo pass-through")
    FUTURE_OPERATIONS = "future_operations", _("Future community operations reward")
    GAP_FILLING = "gap_filling", _("Gap filling")


# Each case's policy as documents name it, in the reader's language (the row's own name is
# kept in Chinese for the superuser's admin).
POLICY_NAMES = {
    PolicyCase.FUTURE_OPTIMISED: pgettext_lazy(
        "subsidy policy",
        "Renovation future communities (2024–2025 plan, optimised model): banded subsidy",
    ),
    PolicyCase.FUTURE_ORIGINAL: pgettext_lazy(
        "subsidy policy", "Future communities of provincial batches 1–7 (original model)"
    ),
    PolicyCase.FUTURE_NEW_BUILD: pgettext_lazy(
        "subsidy policy", "New-build future communities (funded by the implementing body)"
    ),
    PolicyCase.FUTURE_PASSTHROUGH: pgettext_lazy(
        "subsidy policy",
        "Leading future communities after provincial naming: Ningbo's subsidy in full to the "
        "subdistrict",
    ),
    PolicyCase.FUTURE_OPERATIONS: pgettext_lazy(
        "subsidy policy", "One-off reward after naming and a passed operations assessment"
    ),
    PolicyCase.GAP_FILLING: pgettext_lazy(
        "subsidy policy",
        "Gap filling, reward in place of subsidy (50% of the investment less the policy "
        "handling fee)",
    ),
}


class PolicyMode(models.TextChoices):
    """How a policy turns an investment into a subsidy."""

    BAND = "band", _("Band: the whole base at the rate of its band")
    MARGINAL = "marginal", _("Marginal: each slice at its own rate")
    MANUAL = "manual", _("Manual: amount entered by finance")
    FIXED = "fixed", _("Fixed amount")
    NONE = "none", _("No subsidy")


class TrancheStage(models.TextChoices):
    """What a tranche pays for; at most one tranche per plan or project and stage."""

    GAP_AFTER_ACCEPTANCE = "gap_after_acceptance", _("Gap filling, after acceptance")
    FUTURE_APPROVAL = "future_approval", _("Future community, at project approval")
    FUTURE_JOINT_ACCEPTANCE = "future_joint_acceptance", _("Future community, at joint acceptance")
    FUTURE_NAMING = "future_naming", _("Future community, at provincial naming")
    ORIGINAL_MODEL = "original_model", _("Future community, original model")
    OPERATIONS_REWARD = "operations_reward", _("Operations reward")
    NINGBO_PASSTHROUGH = "ningbo_passthrough", _("Ningbo subsidy pass-through")


def route_of(plan_id) -> str:
    """A tranche's route: a plan's is gap filling, a project's is the future community."""
    return PolicyRoute.GAP if plan_id else PolicyRoute.FUTURE


class TrancheState(models.TextChoices):
    """scheduled → due → approved → paid, or cancelled / returned."""

    SCHEDULED = "scheduled", pgettext_lazy("tranche state", "Scheduled")
    DUE = "due", pgettext_lazy("tranche state", "Due")
    APPROVED = "approved", pgettext_lazy("tranche state", "Approved")
    PAID = "paid", pgettext_lazy("tranche state", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("tranche state", "Cancelled")
    RETURNED = "returned", pgettext_lazy("tranche state", "Returned")


# Tranches in these states no longer hold budget.
RELEASED_STATES = (TrancheState.CANCELLED, TrancheState.RETURNED)
PAYABLE_STATES = (TrancheState.DUE, TrancheState.APPROVED)
# Stages whose amount finance enters instead of the calculator.
ENTERED_STAGES = (TrancheStage.ORIGINAL_MODEL, TrancheStage.NINGBO_PASSTHROUGH)

# The tranches of the same project each stage's tranche follows: it never falls due before
# them (nor before the plan's or project's approval, nor a naming tranche before the naming).
_S = TrancheStage
TRANCHE_FOLLOWS = {
    _S.FUTURE_JOINT_ACCEPTANCE: (_S.FUTURE_APPROVAL,),
    _S.FUTURE_NAMING: (_S.FUTURE_APPROVAL, _S.FUTURE_JOINT_ACCEPTANCE),
    _S.NINGBO_PASSTHROUGH: (_S.FUTURE_APPROVAL, _S.FUTURE_JOINT_ACCEPTANCE, _S.FUTURE_NAMING),
    _S.OPERATIONS_REWARD: (_S.FUTURE_APPROVAL, _S.FUTURE_JOINT_ACCEPTANCE, _S.FUTURE_NAMING),
}
# Tranches that follow the provincial naming.
AFTER_NAMING_STAGES = (_S.FUTURE_NAMING, _S.NINGBO_PASSTHROUGH, _S.OPERATIONS_REWARD)


class EventNote(models.TextChoices):
    """What the system writes on a tranche's audit event, kept as a code so that each reader
    sees it in their own language; comments people type are kept as typed."""

    COMMITTED_AT_PLAN_APPROVAL = "committed_at_plan_approval", _("Committed at plan approval.")
    SETTLED_AT_ACCEPTANCE = "settled_at_acceptance", _("Settled at acceptance.")
    AWAITING_FINANCE_AMOUNT = "awaiting_finance_amount", _("Awaiting the amount from finance.")
    COMMITTED_AT_PROJECT_APPROVAL = (
        "committed_at_project_approval",
        _("Committed at project approval."),
    )
    OPERATIONS_ASSESSMENT_PASSED = (
        "operations_assessment_passed",
        _("Operations assessment passed."),
    )
    AWAITING_NINGBO = "awaiting_ningbo", _("Awaiting Ningbo's subsidy.")
    # Shown with the event's amount: "Amount entered: 900,000.00 yuan."
    AMOUNT_ENTERED = "amount_entered", _("Amount entered by finance.")


class BulkOutcome(models.TextChoices):
    """What a bulk approve or pay did to one of the chosen tranches."""

    DONE = "done", _("Done")
    UNCHANGED = "unchanged", _("Already done: nothing changed")
    REFUSED = "refused", _("Refused")


class BudgetSource(models.TextChoices):
    """Where the money of a budget envelope comes from."""

    CITY = "city", _("City finance")
    NINGBO = "ningbo", _("Ningbo subsidy")


class ExportState(models.TextChoices):
    """Progress of a disbursement-sheet export."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Who signs a finance document (拨付表, payment record), as finance lays them out.
SIGNATURE_ROLES = (
    pgettext_lazy("signature", "Prepared by"),
    pgettext_lazy("signature", "Checked by"),
    pgettext_lazy("signature", "Head of unit"),
    pgettext_lazy("signature", "Date"),
)
