"""Which plan actions a user may take now: drives the buttons on the page and in the admin."""

from django.utils.translation import gettext_lazy as _

from communities.roles import Role, has_role

from .choices import EDITABLE_STATES, WITHDRAWABLE_STATES, PlanState

# Actions of the subdistrict's own staff, by the states they apply in.
SUBDISTRICT_ACTIONS = {
    "edit": EDITABLE_STATES,
    "detach": EDITABLE_STATES,
    "submit": EDITABLE_STATES,
    "withdraw": WITHDRAWABLE_STATES,
    "start": (PlanState.APPROVED,),
    "progress": (PlanState.UNDER_CONSTRUCTION,),
    "complete": (PlanState.UNDER_CONSTRUCTION,),
    "attach": tuple(
        s for s in PlanState.values if s not in (PlanState.WITHDRAWN, PlanState.CLOSED)
    ),
}
# Actions of the task force, taken in the admin.
TASKFORCE_ACTIONS = {
    "open_review": (PlanState.SUBMITTED,),
    "return": (PlanState.SUBMITTED, PlanState.IN_JOINT_REVIEW, PlanState.APPROVABLE),
    "approve": (PlanState.APPROVABLE,),
    "accept": (PlanState.COMPLETED,),
    "close": (PlanState.ACCEPTED,),
}
OPINION_STATES = (PlanState.IN_JOINT_REVIEW, PlanState.APPROVABLE)
# The actions taken in the admin, in the order their buttons appear, with their titles.
ADMIN_ACTION_TITLES = {
    "open_review": _("Open the joint review"),
    "opinion": _("Record my department's opinion"),
    "return": _("Return for revision"),
    "approve": _("Approve the plan"),
    "accept": _("Record the acceptance"),
    "close": _("Close: subsidy paid"),
}


def plan_actions(plan, user) -> set[str]:
    """The actions this user may take on this plan in its current state."""
    actions = set()
    own_staff = has_role(user, Role.SUBDISTRICT_STAFF) and (
        user.is_superuser or user.subdistrict_id == plan.subdistrict_id
    )
    if own_staff:
        actions |= {name for name, states in SUBDISTRICT_ACTIONS.items() if plan.state in states}
    if has_role(user, Role.TASKFORCE_APPROVER):
        actions |= {name for name, states in TASKFORCE_ACTIONS.items() if plan.state in states}
    department = getattr(user, "department", None)
    if (
        has_role(user, Role.DEPARTMENT_REVIEWER)
        and department is not None
        and department.is_joint_reviewer
        and plan.state in OPINION_STATES
    ):
        actions.add("opinion")
    return actions
