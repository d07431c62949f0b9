"""The life cycles of tranches and disbursement-sheet exports (DESIGN §3).

Each row is one step: the states it starts from, the state it leads to, who takes it, the form
it needs and the service that takes it. The services check these tables after locking the row;
the tranche page's buttons, the bulk actions and the export page read them.

A tranche is created by the plan and project life cycles (scheduled, or due when its stage has
already been reached): creating a row is no step, since there is no state to start from. The
steps marked SYSTEM are taken by the portal itself when something else happens (a plan approved
or accepted, a project reaching a stage, an export's worker running); whoever's action set them
off is the actor, and the service that took that action has checked its role.
"""

from django.utils.translation import gettext_lazy as _

from communities.lifecycle import SYSTEM, Lifecycle, Step

from .choices import ENTERED_STAGES, ExportState, TrancheState
from .permissions import FINANCE

S = TrancheState
SERVICES = "funding.services."
FORMS = "funding.forms."
ANY_ACTOR = ()  # a SYSTEM step: the role was checked by the action that set it off
NOT_NOW = _("This tranche is %(state)s; that is not possible now.")


def _entered_by_finance(user, tranche) -> str:
    """Only original-model and Ningbo pass-through tranches take an amount from finance."""
    if tranche.stage in ENTERED_STAGES:
        return ""
    return _("This tranche's amount is computed by the policy.")


TRANCHE = Lifecycle(
    model="funding.Tranche",
    subject="tranche",
    states=TrancheState,
    steps=[
        Step(
            name="amount",
            title=_("Enter the amount"),
            sources=(S.SCHEDULED, S.DUE),
            target=S.DUE,
            roles=FINANCE,
            service=SERVICES + "tranche_set_amount",
            form=FORMS + "AmountForm",
            refusal=NOT_NOW,
            done=_("The amount was recorded."),
            condition=_entered_by_finance,
        ),
        Step(
            name="approve",
            title=_("Approve for payment"),
            sources=(S.DUE,),
            target=S.APPROVED,
            roles=FINANCE,
            service=SERVICES + "tranche_approve",
            form=FORMS + "ApproveForm",
            refusal=NOT_NOW,
            done=_("The tranche was approved for payment."),
        ),
        Step(
            name="pay",
            title=_("Record the payment"),
            sources=(S.APPROVED,),
            target=S.PAID,
            roles=FINANCE,
            service=SERVICES + "tranche_mark_paid",
            form=FORMS + "PayForm",
            refusal=NOT_NOW,
            done=_("The payment was recorded."),
        ),
        Step(
            name="cancel",
            title=_("Cancel the tranche"),
            sources=(S.SCHEDULED, S.DUE, S.APPROVED),
            target=S.CANCELLED,
            roles=FINANCE,
            service=SERVICES + "tranche_cancel",
            form=FORMS + "ReasonForm",
            refusal=NOT_NOW,
            done=_("The tranche was cancelled."),
        ),
        Step(
            name="return",
            title=_("Record a return of the money"),
            sources=(S.PAID,),
            target=S.RETURNED,
            roles=FINANCE,
            service=SERVICES + "tranche_return",
            form=FORMS + "ReasonForm",
            refusal=NOT_NOW,
            done=_("The return was recorded."),
        ),
        Step(
            name="recommit",
            title=_("Commit again at plan approval"),
            sources=(S.CANCELLED,),
            target=S.SCHEDULED,
            roles=ANY_ACTOR,
            service=SERVICES + "subsidy_commit_for_plan",
            where=SYSTEM,
            refusal=NOT_NOW,
        ),
        Step(
            name="settle",
            title=_("Settle at acceptance"),
            sources=(S.SCHEDULED, S.DUE),
            target=S.DUE,
            roles=ANY_ACTOR,
            service=SERVICES + "subsidy_settle_for_plan",
            where=SYSTEM,
            refusal=_("The subsidy is already %(state)s and can no longer be recomputed."),
        ),
        Step(
            name="reach_stage",
            title=_("Made due when the project reaches its stage"),
            sources=(S.SCHEDULED,),
            target=S.DUE,
            roles=ANY_ACTOR,
            service=SERVICES + "project_stage_reached",
            where=SYSTEM,
            refusal=NOT_NOW,
        ),
    ],
)


E = ExportState


def export_lifecycle(
    *, model: str, retry_roles: tuple[str, ...], retry_service: str, jobs: str
) -> Lifecycle:
    """The life cycle of a sheet one user asks for and a background job writes: the user may
    ask again for a failed one; the portal takes the other steps, through the functions named
    ``build_export``, ``export_requeue`` and ``export_give_up`` of the module ``jobs``."""
    return Lifecycle(
        model=model,
        subject="export",
        states=ExportState,
        steps=[
            Step(
                name="retry",
                title=_("Try again"),
                sources=(E.FAILED,),
                target=None,  # the failed export stays; a new one is asked for with its filters
                roles=retry_roles,
                service=retry_service,
                refusal=_("Only a failed export can be asked for again."),
            ),
            Step(
                name="build",
                title=_("Start writing the sheet"),
                sources=(E.PENDING,),
                target=E.RUNNING,
                roles=ANY_ACTOR,
                service=f"{jobs}.build_export",
                where=SYSTEM,
            ),
            Step(
                name="finish",
                title=_("Record the sheet written or failed"),
                sources=(E.RUNNING,),
                target=None,  # done, or failed with the error
                roles=ANY_ACTOR,
                service=f"{jobs}.build_export",
                where=SYSTEM,
            ),
            Step(
                name="requeue",
                title=_("Put back in the queue"),
                sources=(E.RUNNING, E.FAILED),
                target=E.PENDING,
                roles=ANY_ACTOR,
                service=f"{jobs}.export_requeue",
                where=SYSTEM,
            ),
            Step(
                name="give_up",
                title=_("Give up after the last try"),
                sources=(E.PENDING, E.RUNNING),
                target=E.FAILED,
                roles=ANY_ACTOR,
                service=f"{jobs}.export_give_up",
                where=SYSTEM,
            ),
        ],
    )


EXPORT = export_lifecycle(
    model="funding.DisbursementExport",
    retry_roles=FINANCE,
    retry_service=SERVICES + "disbursement_export_retry",
    jobs="funding.exports",
)
