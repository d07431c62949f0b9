"""The life cycles of operations assessments, operating contracts and supervision reports.

Each row is one step: which states it starts from, where it leads, who takes it, the form it
needs and the service that takes it. The services check these tables after locking the row; the
pages' buttons read them.
"""

from django.utils.translation import gettext_lazy as _

from communities.lifecycle import SYSTEM, Lifecycle, Step
from communities.roles import Role

from .choices import AssessmentState, ContractState, ReportState
from .permissions import ASSESSMENT_WRITERS, CONTRACT_WRITERS, REPORT_WRITERS

SERVICES = "operations.services."
FORMS = "operations.forms."
A = AssessmentState
C = ContractState
R = ReportState


def _reward_awaits(user, assessment) -> str:
    """The reward is released once, for a passed assessment of a named future community."""
    from .selectors import reward_awaits_release

    if reward_awaits_release(assessment):
        return ""
    return _(
        "The reward is released for a passed assessment of a provincially named future "
        "community, once."
    )


ASSESSMENT = Lifecycle(
    model="operations.OperationsAssessment",
    subject="assessment",
    states=AssessmentState,
    steps=[
        Step(
            name="edit",
            title=_("Edit"),
            sources=(A.DRAFT,),
            target=None,
            roles=ASSESSMENT_WRITERS,
            service=SERVICES + "assessment_update",
            form=FORMS + "AssessmentForm",
            refusal=_("Only a draft assessment can be changed."),
            done=_("The assessment was saved."),
        ),
        Step(
            name="submit",
            title=_("Submit"),
            sources=(A.DRAFT,),
            target=A.SUBMITTED,
            roles=ASSESSMENT_WRITERS,
            service=SERVICES + "assessment_submit",
            refusal=_("Only a draft assessment can be submitted."),
            done=_("The assessment was submitted."),
        ),
        Step(
            name="return",
            title=_("Return to draft"),
            sources=(A.SUBMITTED,),
            target=A.DRAFT,
            roles=ASSESSMENT_WRITERS,
            service=SERVICES + "assessment_return",
            refusal=_("Only a submitted assessment can be returned."),
            done=_("The assessment was returned to draft."),
        ),
        Step(
            name="confirm",
            title=_("Confirm"),
            sources=(A.SUBMITTED,),
            target=A.CONFIRMED,
            roles=ASSESSMENT_WRITERS,
            service=SERVICES + "assessment_confirm",
            refusal=_("Only a submitted assessment can be confirmed."),
            done=_("The assessment was confirmed."),
        ),
        Step(
            name="reward",
            title=_("Release the 600,000 yuan reward"),
            sources=(A.CONFIRMED,),
            target=None,
            roles=ASSESSMENT_WRITERS,
            service=SERVICES + "assessment_release_reward",
            refusal=_("Only a confirmed assessment releases the operations reward."),
            done=_("The 600,000 yuan operations reward is now due."),
            condition=_reward_awaits,
        ),
    ],
)

CONTRACT = Lifecycle(
    model="operations.OperatingContract",
    subject="contract",
    states=ContractState,
    steps=[
        Step(
            name="edit",
            title=_("Edit"),
            sources=(C.ACTIVE,),
            target=None,
            roles=CONTRACT_WRITERS,
            service=SERVICES + "contract_update",
            form=FORMS + "ContractForm",
            refusal=_("This contract has ended; record a new one instead."),
            done=_("The contract was saved."),
        ),
        Step(
            name="terminate",
            title=_("Terminate"),
            sources=(C.ACTIVE,),
            target=C.TERMINATED,
            roles=CONTRACT_WRITERS,
            service=SERVICES + "contract_terminate",
            refusal=_("This contract has already ended."),
            done=_("The contract was terminated."),
        ),
    ],
)

SUPERVISION_REPORT = Lifecycle(
    model="operations.SupervisionReport",
    subject="report",
    states=ReportState,
    steps=[
        Step(
            name="retry",
            title=_("Try again"),
            sources=(R.FAILED,),
            target=None,  # the failed report stays with its error; a new one is queued
            roles=REPORT_WRITERS,
            service=SERVICES + "supervision_report_retry",
            refusal=_("Only a failed report can be retried."),
            done=_("The report was requested again."),
        ),
        # The worker's steps: taken by the portal, never from a button.
        Step(
            name="start",
            title=_("Start building"),
            sources=(R.QUEUED,),
            target=R.RUNNING,
            roles=(Role.SUPERVISOR,),
            service=SERVICES + "supervision_report_build",
            where=SYSTEM,
        ),
        Step(
            name="finish",
            title=_("Finish building"),
            sources=(R.RUNNING,),
            target=R.DONE,
            roles=(Role.SUPERVISOR,),
            service=SERVICES + "supervision_report_build",
            where=SYSTEM,
        ),
        Step(
            name="fail",
            title=_("Record the failure"),
            sources=(R.RUNNING,),
            target=R.FAILED,
            roles=(Role.SUPERVISOR,),
            service=SERVICES + "supervision_report_build",
            where=SYSTEM,
        ),
        Step(
            name="give_up",
            title=_("Give up after the last try"),
            sources=(R.QUEUED, R.RUNNING),
            target=R.FAILED,
            roles=(Role.SUPERVISOR,),
            service=SERVICES + "supervision_report_give_up",
            where=SYSTEM,
        ),
        Step(
            name="requeue",
            title=_("Queue again"),
            sources=(R.RUNNING, R.FAILED),
            target=R.QUEUED,
            roles=(Role.SUPERVISOR,),
            service=SERVICES + "supervision_report_requeue",
            where=SYSTEM,
        ),
    ],
)
