"""The life cycles of gap-filling plans and future-community projects (DESIGN §2, policy §七).

Each row is one step: which states it starts from, where it leads, who takes it, the form it
needs and the service that takes it. Services check these tables; the plan page's buttons, the
admin's buttons, the "next step" line, the to-do list and the API read them.
"""

from django.utils.translation import gettext_lazy as _

from communities.lifecycle import ADMIN, PAGE_AND_ADMIN, Lifecycle, Step
from communities.roles import Role
from communities.texts import names
from funding import selectors as funding_selectors
from funding.lifecycles import export_lifecycle
from funding.money import format_yuan

from .choices import FutureStage, PlanState, ScenarioState, scenario_order
from .permissions import PROJECT_READERS

S = PlanState
STAFF = (Role.SUBDISTRICT_STAFF,)
TASKFORCE = (Role.TASKFORCE_APPROVER,)
EDITABLE = (S.DRAFT, S.RETURNED)
BEFORE_APPROVAL = (S.DRAFT, S.SUBMITTED, S.IN_JOINT_REVIEW, S.APPROVABLE, S.RETURNED)
UNDER_REVIEW = (S.SUBMITTED, S.IN_JOINT_REVIEW, S.APPROVABLE)
IN_REVIEW = (S.IN_JOINT_REVIEW, S.APPROVABLE)
OPEN = tuple(s for s in S.values if s not in (S.WITHDRAWN, S.CLOSED))


def _joint_reviewer(user, plan) -> str:
    """Only a department that takes part in the joint review gives an opinion."""
    department = getattr(user, "department", None)
    if department is not None and department.is_joint_reviewer:
        return ""
    return _("Your department does not take part in the joint review.")


def _subsidy_paid(plan) -> str:
    """A plan closes once finance has paid its subsidy (a cancelled one leaves nothing to pay)."""
    remaining = funding_selectors.unpaid_of(plan)
    if remaining > 0:
        return _(
            "The plan closes once its subsidy is paid; %(remaining)s yuan is still unpaid."
        ) % {"remaining": format_yuan(remaining)}
    return ""


SERVICES = "projects.services."
FORMS = "projects.forms."

PLAN = Lifecycle(
    model="projects.GapFillingPlan",
    subject="plan",
    states=PlanState,
    steps=[
        Step(
            # Its page is the plan form (projects.views.PlanFormView): the form with the
            # line-item formset and the file, all saved by one call of the service.
            name="edit",
            title=_("Edit the plan"),
            sources=EDITABLE,
            target=None,
            roles=STAFF,
            service=SERVICES + "plan_save",
            form=FORMS + "PlanForm",
            refusal=_(
                "A plan in state “%(state)s” cannot be changed; only drafts and returned plans can."
            ),
        ),
        Step(
            name="attach",
            aside=True,
            title=_("Upload an attachment"),
            sources=OPEN,
            target=None,
            roles=STAFF,
            service=SERVICES + "attachment_add",
            form=FORMS + "AttachmentForm",
            refusal=_("A plan in state “%(state)s” takes no more attachments."),
            done=_("The attachment was uploaded."),
        ),
        Step(
            name="detach",
            aside=True,
            title=_("Remove"),
            sources=EDITABLE,
            target=None,
            roles=STAFF,
            service=SERVICES + "attachment_remove",
            form=FORMS + "DetachForm",
            refusal=_(
                "A plan in state “%(state)s” keeps its attachments; only drafts and returned plans "
                "can lose one."
            ),
            done=_("The attachment was removed."),
        ),
        Step(
            name="submit",
            title=_("Submit for joint review"),
            sources=EDITABLE,
            target=S.SUBMITTED,
            roles=STAFF,
            service=SERVICES + "plan_submit",
            refusal=_(
                "A plan in state “%(state)s” cannot be submitted; only drafts and returned plans "
                "can."
            ),
            done=_("The plan was submitted for joint review."),
        ),
        Step(
            name="withdraw",
            aside=True,
            title=_("Withdraw the plan"),
            sources=BEFORE_APPROVAL,
            target=S.WITHDRAWN,
            roles=STAFF,
            service=SERVICES + "plan_withdraw",
            form=FORMS + "WithdrawForm",
            refusal=_(
                "A plan in state “%(state)s” cannot be withdrawn; only plans not yet approved can."
            ),
            done=_("The plan was withdrawn."),
        ),
        Step(
            name="open_review",
            title=_("Open the joint review"),
            sources=(S.SUBMITTED,),
            target=S.IN_JOINT_REVIEW,
            roles=TASKFORCE,
            service=SERVICES + "plan_open_review",
            where=ADMIN,
            refusal=_(
                "A plan in state “%(state)s” cannot go to joint review; it must be submitted first."
            ),
        ),
        Step(
            name="opinion",
            title=_("Record the department's opinion"),
            sources=IN_REVIEW,
            target=None,  # the service decides: approvable once every department agrees
            roles=(Role.DEPARTMENT_REVIEWER,),
            service=SERVICES + "opinion_record",
            form=FORMS + "OpinionForm",
            where=ADMIN,
            refusal=_("A plan in state “%(state)s” takes no opinions; it is not in joint review."),
            condition=_joint_reviewer,
        ),
        Step(
            name="return",
            aside=True,
            title=_("Return for revision"),
            sources=UNDER_REVIEW,
            target=S.RETURNED,
            roles=TASKFORCE,
            service=SERVICES + "plan_return",
            form=FORMS + "ReasonForm",
            where=ADMIN,
            refusal=_(
                "A plan in state “%(state)s” cannot be returned; only plans under review can."
            ),
        ),
        Step(
            name="approve",
            title=_("Approve the plan"),
            sources=(S.APPROVABLE,),
            target=S.APPROVED,
            roles=TASKFORCE,
            service=SERVICES + "plan_approve",
            form=FORMS + "ApproveForm",
            where=ADMIN,
            refusal=_(
                "A plan in state “%(state)s” cannot be approved; it must first pass joint review."
            ),
        ),
        Step(
            name="start",
            title=_("Start construction"),
            sources=(S.APPROVED,),
            target=S.UNDER_CONSTRUCTION,
            roles=STAFF,
            service=SERVICES + "plan_start",
            refusal=_(
                "A plan in state “%(state)s” cannot start construction; it must be approved first."
            ),
            done=_("Construction has started."),
        ),
        Step(
            name="progress",
            title=_("Report progress"),
            sources=(S.UNDER_CONSTRUCTION,),
            target=None,
            roles=STAFF,
            service=SERVICES + "progress_report",
            form=FORMS + "ProgressForm",
            refusal=_(
                "A plan in state “%(state)s” takes no progress reports; it is not under "
                "construction."
            ),
            done=_("The progress was reported."),
        ),
        Step(
            name="complete",
            title=_("Report construction complete"),
            sources=(S.UNDER_CONSTRUCTION,),
            target=S.COMPLETED,
            roles=STAFF,
            service=SERVICES + "plan_complete",
            form=FORMS + "CompleteForm",
            refusal=_(
                "A plan in state “%(state)s” cannot be completed; it is not under construction."
            ),
            done=_("Construction was reported complete; the task force will arrange acceptance."),
        ),
        Step(
            name="accept",
            title=_("Record the acceptance"),
            sources=(S.COMPLETED,),
            target=S.ACCEPTED,
            roles=TASKFORCE,
            service=SERVICES + "plan_accept",
            form=FORMS + "AcceptForm",
            where=ADMIN,
            refusal=_(
                "A plan in state “%(state)s” cannot be accepted; construction must be complete."
            ),
        ),
        Step(
            name="close",
            title=_("Close the plan"),
            sources=(S.ACCEPTED,),
            target=S.CLOSED,
            roles=TASKFORCE,
            service=SERVICES + "plan_close",
            form=FORMS + "CommentForm",
            where=ADMIN,
            refusal=_("A plan in state “%(state)s” cannot be closed; it must be accepted first."),
            requires=_subsidy_paid,
        ),
    ],
)


F = FutureStage


def _every_scenario_built(project) -> str:
    """Joint acceptance checks what was built: every scenario the project plans must be."""
    # All of the project's rows: a list that prefetched them asks nothing more.
    planned = [row for row in project.scenarios.all() if row.state == ScenarioState.PLANNED]
    missing = [row.get_scenario_display() for row in sorted(planned, key=scenario_order)]
    if not missing:
        return ""
    return _(
        "Joint acceptance needs every planned scenario built; not yet built: %(scenarios)s."
    ) % {"scenarios": names(missing)}


def _advance(target, source, title, refusal, **options) -> Step:
    """The task force records that a project reached ``target``, the stage after ``source``:
    on the project's page or in the admin."""
    return Step(
        name=target,
        title=title,
        sources=(source,),
        target=target,
        roles=TASKFORCE,
        service=options.pop("service", SERVICES + "project_advance"),
        form=options.pop("form", FORMS + "AdvanceForm"),
        where=PAGE_AND_ADMIN,
        refusal=refusal,
        done=options.pop("done", _("The project moved to its next stage.")),
        **options,
    )


def _digital_plan_agreed(project) -> str:
    """The implementation plan is reviewed only once the 融媒体中心's latest opinion on its
    digital part agrees (policy §七(一), §七(二))."""
    from .selectors import latest_digital_review

    review = latest_digital_review(project)
    if review is None:
        return _(
            "The Converged Media Centre has not yet given its opinion on the digital plan; the "
            "implementation plan can be recorded as reviewed only after it agrees."
        )
    if not review.agrees:
        return _(
            "The Converged Media Centre disagreed with the digital plan on %(day)s; a new "
            "digital review that agrees is needed first."
        ) % {"day": review.reviewed_on.isoformat()}
    return ""


# The stages of a future-community project follow one another in this order (policy §七(一)).
FUTURE = Lifecycle(
    model="projects.FutureCommunityProject",
    subject="project",
    states=FutureStage,
    state_field="stage",
    steps=[
        _advance(
            F.PLAN_REVIEWED,
            F.PLANNING,
            _("Record the review of the implementation plan"),
            _(
                "A project at stage “%(state)s” cannot have its implementation plan reviewed; "
                "only a project in planning can."
            ),
            requires=_digital_plan_agreed,
        ),
        _advance(
            F.APPROVED,
            F.PLAN_REVIEWED,
            _("Record the project approval"),
            _(
                "A project at stage “%(state)s” cannot be approved; its implementation plan must "
                "be reviewed first."
            ),
        ),
        _advance(
            F.CONSTRUCTION_COMPLETE,
            F.APPROVED,
            _("Record construction complete"),
            _(
                "A project at stage “%(state)s” cannot report construction complete; it must be "
                "approved first."
            ),
        ),
        _advance(
            F.JOINT_ACCEPTANCE_PASSED,
            F.CONSTRUCTION_COMPLETE,
            _("Record the joint acceptance"),
            _(
                "A project at stage “%(state)s” cannot pass joint acceptance; construction must "
                "be complete first."
            ),
            requires=_every_scenario_built,
            service=SERVICES + "project_pass_joint_acceptance",
            form=FORMS + "JointAcceptanceForm",
            done=_("The joint acceptance was recorded."),
        ),
        _advance(
            F.ASSESSMENT_PASSED,
            F.JOINT_ACCEPTANCE_PASSED,
            _("Record the assessment"),
            _(
                "A project at stage “%(state)s” cannot pass the assessment; it must pass joint "
                "acceptance first."
            ),
        ),
        _advance(
            F.NAMED,
            F.ASSESSMENT_PASSED,
            _("Record the provincial naming"),
            _(
                "A project at stage “%(state)s” cannot be provincially named; it must pass the "
                "assessment first."
            ),
        ),
        Step(
            # Before 立项 only: a disagreement sends a reviewed plan back to planning.
            name="digital_review",
            title=_("Record the digital-plan review"),
            sources=(F.PLANNING, F.PLAN_REVIEWED),
            target=None,
            roles=(Role.OPERATIONS_ASSESSOR,),
            service=SERVICES + "digital_review_record",
            form=FORMS + "DigitalReviewForm",
            refusal=_(
                "A project at stage “%(state)s” takes no more digital-plan reviews; it has been "
                "approved."
            ),
            done=_("The digital-plan review was recorded."),
        ),
    ],
)


PLAN_TABLE = export_lifecycle(
    model="projects.PlanTableExport",
    retry_roles=PROJECT_READERS,
    retry_service=SERVICES + "plan_table_retry",
    jobs="projects.plan_tables",
)
