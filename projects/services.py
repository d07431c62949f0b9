"""Writes of the projects app: plans, future-community projects and development blocks.

Every change of state goes through one of these functions. Each locks its row and checks the
step in its life cycle (``projects.lifecycles``) or the model's rule (``projects.permissions``)
before it changes anything.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communities.access import CHANGE, ensure
from communities.choices import Route, SpaceAvailability
from communities.lifecycle import ILLEGAL
from communities.models import Community, SpaceResource
from communities.notifications import notify_users
from communities.roles import Role, subdistrict_staff_of, users_with_roles
from communities.texts import Text, names
from communities.writes import locked, portal_language, save_checked
from funding import services as funding_services

from . import history
from .choices import (
    FUTURE_STAGE_ORDER,
    FutureStage,
    OperatingMode,
    OpinionDecision,
    PlanState,
    Scenario,
    ScenarioState,
    scenario_order,
)
from .lifecycles import FUTURE, PLAN, PLAN_TABLE
from .models import (
    BlockUnit,
    DevelopmentBlock,
    DigitalPlanReview,
    FutureCommunityProject,
    FutureScenario,
    GapFillingPlan,
    JointAcceptance,
    PlanAttachment,
    PlanLineItem,
    PlanTableExport,
    ProgressReport,
    ReviewOpinion,
    SpaceAllocation,
    StatusChange,
)
from .permissions import CREATE, REPORT_SCENARIOS
from .selectors import latest_digital_review, live_plan_of, missing_agreements, stages_reached
from .tasks import build_plan_table_export
from .uploads import pending_open, validate_attachment

PLAN_FIELDS = (
    "year",
    "title",
    "total_investment",
    "policy_fee",
    "operating_mode",
    "operator_name",
)
LINE_ITEM_FIELDS = ("facility_type", "floor_area", "investment")
# The inputs of the subsidy committed at 立项.
COMMITTED_FIELDS = ("category", "funding_mode", "creation_investment")
PROJECT_FIELDS = (
    "category",
    "project_type",
    "provincial_batch",
    "plan_year",
    "funding_mode",
    "creation_investment",
)
BLOCK_FIELDS = (
    "name",
    "subdistrict",
    "community",
    "area_mu",
    "planned_population",
    "is_pilot",
    "note",
)
UNIT_FIELDS = ("number", "name", "facility_types")


# --- what every transition does ------------------------------------------------------------


def refuse(message: str, **params) -> None:
    """Refuse a transition with the translated reason."""
    raise ValidationError(message % params, code=ILLEGAL)


def record_change(
    *,
    actor,
    from_state: str,
    to_state: str,
    comment: str = "",
    comment_code: str = "",
    comment_params: dict | None = None,
    on_date: datetime.date | None = None,
    **subject,
):
    """Write the StatusChange of one transition (subject: ``plan=`` or ``project=``); a comment
    the system writes goes in as ``comment_code`` and ``comment_params`` (projects.history)."""
    return StatusChange.objects.create(
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        comment_code=comment_code,
        comment_params=comment_params or {},
        on_date=on_date,
        **subject,
    )


def notify(*, recipients, subject: str, body: str, link: str) -> None:
    """Write the inbox entries and queue their e-mails (a thin seam so tests can see what is
    sent)."""
    notify_users(recipients=list(recipients), subject=subject, body=body, link=link)


def check_day(
    field: str, day: datetime.date | None, *, not_before: datetime.date | None = None, what=""
) -> None:
    """A reported day is given, not in the future, and not before the step it follows."""
    if day is None:
        raise ValidationError({field: _("Give the date.")})
    if day > timezone.localdate():
        raise ValidationError(
            {field: _("The date %(day)s is in the future.") % {"day": day.isoformat()}}
        )
    if not_before is not None and day < not_before:
        raise ValidationError(
            {
                field: _("The date %(day)s is before %(what)s (%(before)s).")
                % {"day": day.isoformat(), "what": what, "before": not_before.isoformat()}
            }
        )


def _locked_plan(plan: GapFillingPlan, *, actor, step: str) -> GapFillingPlan:
    """Lock the plan, read it again and check that the actor may take ``step`` on it now."""
    plan = locked(GapFillingPlan, plan.pk, "subdistrict", "community")
    PLAN.check(actor, step, plan)
    return plan


def _move(plan: GapFillingPlan, *, actor, to_state: str, comment: str = "", **system) -> None:
    """Set the new state, save with history and write the audit record (``system``: the
    comment_code and comment_params of a comment the system writes)."""
    from_state = plan.state
    plan.state = to_state
    save_checked(plan, actor=actor)
    record_change(
        plan=plan,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        **system,
    )


def _notify_state(plan: GapFillingPlan, recipients, comment: str = "") -> None:
    """Tell the people concerned the plan's new state."""
    with portal_language():
        _notify_state_now(plan, recipients, comment)


def _notify_state_now(plan: GapFillingPlan, recipients, comment: str) -> None:
    state = Text.choice(PlanState, plan.state)
    body = Text(
        gettext_noop("Plan “%(title)s” (%(community)s, %(year)s) is now: %(state)s."),
        title=plan.title,
        community=plan.community.name,
        year=plan.year,
        state=state,
    )
    if comment:
        # The reviewer's own words follow, as typed.
        body = Text("%(message)s\n\n%(comment)s", message=body, comment=comment)
    notify(
        recipients=recipients,
        subject=Text(gettext_noop("Gap-filling plan: %(state)s"), state=state),
        body=body,
        link=reverse("projects:plan_detail", args=[plan.pk]),
    )


# --- a plan's content ----------------------------------------------------------------------


def _check_content(plan: GapFillingPlan, line_items: list[dict[str, Any]]) -> None:
    """The plan's money must add up: items present, total equal to their sum, fee within it."""
    errors: dict[str, list[str]] = {}
    if plan.operating_mode == OperatingMode.THIRD_PARTY and not (plan.operator_name or "").strip():
        errors["operator_name"] = [_("Name the third-party operator that will run the facilities.")]
    if not line_items:
        errors["__all__"] = [_("Add at least one line item (facility type, area, investment).")]
    investments = [item.get("investment") or Decimal("0") for item in line_items]
    if any(amount <= 0 for amount in investments):
        errors.setdefault("__all__", []).append(
            _("Every line item's investment must be greater than zero.")
        )
    total = plan.total_investment
    if total is not None and line_items and total != sum(investments, Decimal("0.00")):
        errors["total_investment"] = [
            _(
                "The total investment %(total)s does not equal the sum of the line items "
                "%(sum)s. Correct the total or the line items."
            )
            % {"total": f"{total:,.2f}", "sum": f"{sum(investments, Decimal('0.00')):,.2f}"}
        ]
    if total is not None and plan.policy_fee is not None and plan.policy_fee > total:
        errors["policy_fee"] = [
            _("The policy handling fee %(fee)s cannot exceed the total investment %(total)s.")
            % {"fee": f"{plan.policy_fee:,.2f}", "total": f"{total:,.2f}"}
        ]
    if errors:
        raise ValidationError(errors)


def _save_line_items(plan: GapFillingPlan, *, actor, line_items: list[dict[str, Any]]) -> None:
    """Make the plan's line items exactly these: update the kept ones, add new, delete the rest."""
    existing = {item.pk: item for item in plan.line_items.all()}
    kept = set()
    for values in line_items:
        item = existing.get(values.get("pk")) or PlanLineItem(plan=plan)
        save_checked(item, actor=actor, fields={name: values[name] for name in LINE_ITEM_FIELDS})
        kept.add(item.pk)
    for pk, item in existing.items():
        if pk not in kept:
            item._history_user = actor
            item.delete()


def _save_spaces(plan: GapFillingPlan, spaces: Iterable[SpaceResource]) -> None:
    """Allocate exactly these landing spaces to the plan; each may serve one active plan only."""
    wanted = {space.pk for space in spaces}
    chosen = list(
        SpaceResource.objects.select_for_update(of=("self",))
        .filter(pk__in=wanted)
        .select_related("community")
        .order_by("pk")
    )
    for space in chosen:
        if space.community_id != plan.community_id:
            raise ValidationError(
                {
                    "spaces": _(
                        "“%(space)s” belongs to %(community)s, not to the plan's community "
                        "%(own)s; nothing was saved."
                    )
                    % {
                        "space": space.name,
                        "community": space.community.name,
                        "own": plan.community.name,
                    }
                }
            )
        holder = (
            SpaceAllocation.objects.filter(space=space, is_active=True)
            .exclude(plan=plan)
            .select_related("plan")
            .first()
        )
        if holder is not None:
            raise ValidationError(
                {
                    "spaces": _(
                        "“%(space)s” is already allocated to the plan “%(plan)s”; nothing was "
                        "saved."
                    )
                    % {"space": space.name, "plan": holder.plan.title}
                }
            )
    current = set(plan.space_allocations.filter(is_active=True).values_list("space_id", flat=True))
    for space in chosen:
        if space.pk not in current and space.availability != SpaceAvailability.AVAILABLE:
            raise ValidationError(
                {"spaces": _("“%(space)s” is not available.") % {"space": space.name}}
            )
    plan.space_allocations.filter(is_active=True).exclude(space_id__in=wanted).delete()
    SpaceAllocation.objects.bulk_create(
        SpaceAllocation(plan=plan, space_id=pk) for pk in sorted(wanted - current)
    )


def _apply_content(plan, *, actor, fields, line_items, spaces) -> GapFillingPlan:
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    _check_content(plan, line_items)
    save_checked(plan, actor=actor)
    _save_line_items(plan, actor=actor, line_items=line_items)
    _save_spaces(plan, spaces)
    return plan


@transaction.atomic
def plan_create(
    *,
    actor,
    community: Community,
    fields: dict[str, Any],
    line_items: list[dict[str, Any]],
    spaces: Iterable[SpaceResource] = (),
) -> GapFillingPlan:
    """Draft a new gap-filling plan for a gap-filling community of the actor's subdistrict."""
    plan = GapFillingPlan(community=community, subdistrict_id=community.subdistrict_id)
    ensure(actor, CREATE, plan)
    if community.route != Route.GAP:
        raise ValidationError(
            {"community": _("“%(name)s” is not on the gap-filling route.") % {"name": community}}
        )
    # Locking the community makes a second plan for it (a double submit) wait, then see the first.
    locked(Community, community.pk)
    existing = live_plan_of(community)
    if existing is not None:
        raise ValidationError(
            {
                "community": _(
                    "“%(name)s” already has the plan “%(title)s” (%(state)s); revise that plan "
                    "or withdraw it before drafting another."
                )
                % {
                    "name": community.name,
                    "title": existing.title,
                    "state": existing.get_state_display(),
                }
            }
        )
    plan.created_by = actor
    _apply_content(plan, actor=actor, fields=fields, line_items=line_items, spaces=spaces)
    record_change(plan=plan, actor=actor, from_state="", to_state=PlanState.DRAFT)
    return plan


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: GapFillingPlan,
    fields: dict[str, Any],
    line_items: list[dict[str, Any]],
    spaces: Iterable[SpaceResource] = (),
) -> GapFillingPlan:
    """Change a draft or returned plan's content, line items and spaces."""
    plan = _locked_plan(plan, actor=actor, step="edit")
    return _apply_content(plan, actor=actor, fields=fields, line_items=line_items, spaces=spaces)


@transaction.atomic
def plan_save(
    *,
    actor,
    plan: GapFillingPlan | None = None,
    community: Community | None = None,
    fields: dict[str, Any],
    line_items: list[dict[str, Any]],
    spaces: Iterable[SpaceResource] = (),
    attachment=None,
    pending: dict | None = None,
) -> GapFillingPlan:
    """Save the plan form in one go: draft a new plan (``community``) or revise ``plan``, with
    its line items and spaces, and attach the file chosen now (``attachment``) or the one kept
    from the last try (``pending``, projects.uploads). Nothing is saved unless all of it is."""
    if plan is None:
        plan = plan_create(
            actor=actor, community=community, fields=fields, line_items=line_items, spaces=spaces
        )
    else:
        plan = plan_update(
            actor=actor, plan=plan, fields=fields, line_items=line_items, spaces=spaces
        )
    if attachment:
        attachment_add(actor=actor, plan=plan, file=attachment)
    elif pending:
        with pending_open(pending) as file:
            attachment_add(actor=actor, plan=plan, file=file)
    return plan


@transaction.atomic
def attachment_add(*, actor, plan: GapFillingPlan, file, description: str = "") -> PlanAttachment:
    """Attach a PDF, image or Office document to a plan of the actor's subdistrict."""
    plan = _locked_plan(plan, actor=actor, step="attach")
    validate_attachment(file)
    attachment = PlanAttachment(
        plan=plan,
        original_name=PurePath(file.name).name[:200],
        size=file.size,
        description=description,
        uploaded_by=actor,
    )
    _save_with_upload(attachment, attachment.file, file, save=_full_clean_and_save)
    return attachment


def _full_clean_and_save(record, **_kwargs) -> None:
    record.full_clean()
    record.save()


def _save_with_upload(record, stored, upload, *, save, **options) -> None:
    """Store ``upload`` in the record's file field ``stored`` under its own name, then
    ``save(record, **options)``; a record that is refused leaves no file behind."""
    stored.save(PurePath(upload.name).name, upload, save=False)
    try:
        save(record, **options)
    except Exception:
        stored.delete(save=False)
        raise


@transaction.atomic
def attachment_remove(*, actor, plan: GapFillingPlan, attachment_id: int) -> None:
    """Remove a document from a draft or returned plan of the actor's subdistrict."""
    plan = _locked_plan(plan, actor=actor, step="detach")
    attachment = plan.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError(_("The plan has no such attachment."))
    attachment.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: attachment.file.delete(save=False))


# --- a plan's transitions ------------------------------------------------------------------


@transaction.atomic
def plan_submit(*, actor, plan: GapFillingPlan) -> GapFillingPlan:
    """Send a draft or returned plan to the task force for joint review."""
    plan = _locked_plan(plan, actor=actor, step="submit")
    items = [
        {name: getattr(item, name) for name in LINE_ITEM_FIELDS} for item in plan.line_items.all()
    ]
    _check_content(plan, items)
    _move(plan, actor=actor, to_state=PlanState.SUBMITTED)
    _notify_state(plan, users_with_roles(Role.TASKFORCE_APPROVER))
    return plan


@transaction.atomic
def plan_open_review(*, actor, plan: GapFillingPlan) -> GapFillingPlan:
    """Open a new joint-review round (会审) for a submitted plan."""
    plan = _locked_plan(plan, actor=actor, step="open_review")
    plan.review_round += 1
    _move(
        plan,
        actor=actor,
        to_state=PlanState.IN_JOINT_REVIEW,
        comment_code=history.REVIEW_ROUND,
        comment_params={"round": plan.review_round},
    )
    reviewers = users_with_roles(Role.DEPARTMENT_REVIEWER).filter(
        department__is_joint_reviewer=True
    )
    _notify_state(plan, reviewers)
    _settle_review(plan, actor=actor)
    return plan


def _settle_review(plan: GapFillingPlan, *, actor) -> None:
    """Approvable once every required department agrees; back in review when one stops agreeing."""
    missing = missing_agreements(plan)
    if not missing and plan.state == PlanState.IN_JOINT_REVIEW:
        _move(
            plan,
            actor=actor,
            to_state=PlanState.APPROVABLE,
            comment_code=history.ALL_AGREED,
            comment_params={"round": plan.review_round},
        )
        _notify_state(plan, users_with_roles(Role.TASKFORCE_APPROVER))
    elif missing and plan.state == PlanState.APPROVABLE:
        _move(
            plan,
            actor=actor,
            to_state=PlanState.IN_JOINT_REVIEW,
            comment_code=history.AGREEMENT_LOST,
            comment_params={"departments": [department.code for department in missing]},
        )


@transaction.atomic
def opinion_record(
    *, actor, plan: GapFillingPlan, decision: str, comments: str = ""
) -> ReviewOpinion:
    """Record (or revise) the actor's department's opinion in the plan's current review round."""
    plan = _locked_plan(plan, actor=actor, step="opinion")
    department = actor.department
    if decision not in OpinionDecision.values:
        raise ValidationError({"decision": _("Choose agree, agree with conditions or disagree.")})
    if decision != OpinionDecision.AGREE and not comments.strip():
        raise ValidationError(
            {"comments": _("Give the conditions or the reasons for disagreeing.")}
        )
    opinion, _created = ReviewOpinion.objects.update_or_create(
        plan=plan,
        review_round=plan.review_round,
        department=department,
        defaults={"decision": decision, "comments": comments, "reviewer": actor},
    )
    _settle_review(plan, actor=actor)
    if decision == OpinionDecision.DISAGREE:
        with portal_language():
            _notify_state_now(
                plan,
                users_with_roles(Role.TASKFORCE_APPROVER),
                _("%(department)s disagrees: %(comments)s")
                % {"department": department, "comments": comments},
            )
    return opinion


@transaction.atomic
def plan_return(*, actor, plan: GapFillingPlan, reason: str) -> GapFillingPlan:
    """Send the plan back to its subdistrict for revision, with the reasons."""
    plan = _locked_plan(plan, actor=actor, step="return")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan goes back for revision.")})
    _move(plan, actor=actor, to_state=PlanState.RETURNED, comment=reason)
    _notify_state(plan, subdistrict_staff_of(plan.subdistrict_id), reason)
    return plan


@transaction.atomic
def plan_approve(
    *,
    actor,
    plan: GapFillingPlan,
    approval_number: str,
    approval_date: datetime.date,
) -> GapFillingPlan:
    """Approve (批复) a plan every required department agreed to, with the document number."""
    plan = _locked_plan(plan, actor=actor, step="approve")
    missing = missing_agreements(plan)
    if missing:
        refuse(
            _("The plan cannot be approved: no agreement yet from %(departments)s."),
            departments=names(missing),
        )
    if not (approval_number or "").strip():
        raise ValidationError({"approval_number": _("Give the approval document number.")})
    check_day("approval_date", approval_date)
    plan.approval_number = approval_number.strip()
    plan.approval_date = approval_date
    _move(plan, actor=actor, to_state=PlanState.APPROVED, comment=plan.approval_number)
    funding_services.subsidy_commit_for_plan(plan=plan, actor=actor)
    _notify_state(plan, subdistrict_staff_of(plan.subdistrict_id), plan.approval_number)
    return plan


@transaction.atomic
def plan_withdraw(*, actor, plan: GapFillingPlan, reason: str = "") -> GapFillingPlan:
    """Withdraw a plan before approval, with the reasons; its landing spaces become free again."""
    plan = _locked_plan(plan, actor=actor, step="withdraw")
    plan.space_allocations.filter(is_active=True).update(is_active=False)
    _move(plan, actor=actor, to_state=PlanState.WITHDRAWN, comment=reason)
    _notify_state(plan, users_with_roles(Role.TASKFORCE_APPROVER), reason)
    return plan


@transaction.atomic
def plan_start(*, actor, plan: GapFillingPlan, comment: str = "") -> GapFillingPlan:
    """Start construction of an approved plan."""
    plan = _locked_plan(plan, actor=actor, step="start")
    _move(plan, actor=actor, to_state=PlanState.UNDER_CONSTRUCTION, comment=comment)
    _notify_state(plan, users_with_roles(Role.TASKFORCE_APPROVER), comment)
    return plan


@transaction.atomic
def progress_report(
    *, actor, plan: GapFillingPlan, percent: int, on_date: datetime.date, note: str = ""
) -> ProgressReport:
    """Report construction progress (percentage and date) of a plan under construction."""
    plan = _locked_plan(plan, actor=actor, step="progress")
    if percent is None or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    check_day("on_date", on_date, **_after_last_progress(plan))
    if percent < plan.progress_percent:
        raise ValidationError(
            {
                "percent": _("Progress cannot go back from %(before)s%% to %(after)s%%.")
                % {"before": plan.progress_percent, "after": percent}
            }
        )
    report = ProgressReport(plan=plan, percent=percent, date=on_date, note=note, reporter=actor)
    report.full_clean()
    report.save()
    save_checked(plan, actor=actor, fields={"progress_percent": percent})
    return report


def _after_last_progress(plan: GapFillingPlan) -> dict[str, Any]:
    """The day a construction report or the acceptance may not precede: the last one before it."""
    last = plan.progress_reports.order_by("-date").values_list("date", flat=True).first()
    if last is not None and (plan.approval_date is None or last > plan.approval_date):
        return {"not_before": last, "what": _("the last progress report")}
    return {"not_before": plan.approval_date, "what": _("the approval")}


@transaction.atomic
def plan_complete(
    *, actor, plan: GapFillingPlan, on_date: datetime.date, note: str = ""
) -> GapFillingPlan:
    """Report construction complete; the plan then waits for acceptance (验收)."""
    plan = _locked_plan(plan, actor=actor, step="complete")
    check_day("on_date", on_date, **_after_last_progress(plan))
    ProgressReport.objects.create(plan=plan, percent=100, date=on_date, note=note, reporter=actor)
    plan.progress_percent = 100
    _move(plan, actor=actor, to_state=PlanState.COMPLETED, comment=note)
    _notify_state(plan, users_with_roles(Role.TASKFORCE_APPROVER), note)
    return plan


@transaction.atomic
def plan_accept(
    *,
    actor,
    plan: GapFillingPlan,
    acceptance_date: datetime.date,
    settled_investment: Decimal,
) -> GapFillingPlan:
    """Record the acceptance (验收) of a completed plan with its settled investment."""
    plan = _locked_plan(plan, actor=actor, step="accept")
    if settled_investment is None:
        raise ValidationError({"settled_investment": _("Give the settled investment.")})
    check_day("acceptance_date", acceptance_date, **_after_last_progress(plan))
    if settled_investment < 0:
        raise ValidationError(
            {"settled_investment": _("The settled investment cannot be negative.")}
        )
    plan.acceptance_date = acceptance_date
    plan.settled_investment = settled_investment
    _move(plan, actor=actor, to_state=PlanState.ACCEPTED)
    funding_services.subsidy_settle_for_plan(plan=plan, actor=actor)
    _notify_state(plan, subdistrict_staff_of(plan.subdistrict_id))
    return plan


@transaction.atomic
def plan_close(*, actor, plan: GapFillingPlan, comment: str = "") -> GapFillingPlan:
    """Close an accepted plan once finance has paid its subsidy."""
    plan = _locked_plan(plan, actor=actor, step="close")  # its subsidy paid: see PLAN
    _move(plan, actor=actor, to_state=PlanState.CLOSED, comment=comment)
    _notify_state(plan, subdistrict_staff_of(plan.subdistrict_id))
    return plan


# --- future-community projects -------------------------------------------------------------


@transaction.atomic
def project_create(
    *, actor, community: Community, fields: dict[str, Any]
) -> FutureCommunityProject:
    """Register a future-community project for a community on the future route."""
    project = FutureCommunityProject(community=community)
    ensure(actor, CREATE, project)
    if community.route != Route.FUTURE:
        raise ValidationError(
            {
                "community": _("“%(name)s” is not on the future-community route.")
                % {"name": community}
            }
        )
    save_checked(project, actor=actor, fields={n: fields[n] for n in PROJECT_FIELDS if n in fields})
    # Registering a project dates no stage: an older project's past stages are entered later.
    record_change(project=project, actor=actor, from_state="", to_state=project.stage)
    return project


@transaction.atomic
def project_update(
    *, actor, project: FutureCommunityProject, fields: dict[str, Any]
) -> FutureCommunityProject:
    """Change a project's category, type, batch, funding mode or creation investment; once it
    is approved (立项) the figures its subsidy was committed on can no longer change."""
    project = locked(FutureCommunityProject, project.pk, "community")
    ensure(actor, CHANGE, project)
    committed = FUTURE_STAGE_ORDER.index(project.stage) >= FUTURE_STAGE_ORDER.index(
        FutureStage.APPROVED
    )
    frozen = [
        name
        for name in COMMITTED_FIELDS
        if committed and name in fields and fields[name] != getattr(project, name)
    ]
    if frozen:
        raise ValidationError(
            {
                name: _(
                    "The subsidy was committed at project approval on these figures; "
                    "they can no longer change."
                )
                for name in frozen
            }
        )
    return save_checked(
        project, actor=actor, fields={n: fields[n] for n in PROJECT_FIELDS if n in fields}
    )


def _locked_project(project: FutureCommunityProject, *, actor, step: str):
    """Lock the project, read it again and check that the actor may take ``step`` on it now."""
    project = locked(FutureCommunityProject, project.pk, "community")
    FUTURE.check(actor, step, project)
    return project


def _check_stage_day(project: FutureCommunityProject, to_stage: str, on_date) -> None:
    """A stage is reached on a given day, not in the future and not before the stage the
    project is at (nor, for the plan review, before the agreeing digital review)."""
    before = stages_reached(project).get(project.stage)
    limits = []
    if before is not None and before.on is not None:
        limits.append((before.on, FutureStage(project.stage).label))
    review = latest_digital_review(project) if to_stage == FutureStage.PLAN_REVIEWED else None
    if review is not None:
        limits.append((review.reviewed_on, _("the digital-plan review")))
    if not limits:
        check_day("on_date", on_date)
        return
    day, what = max(limits, key=lambda limit: limit[0])
    check_day("on_date", on_date, not_before=day, what=str(what))


def _reach_stage(project, *, actor, to_stage: str, on_date, comment: str) -> None:
    """Set the stage reached on ``on_date``, record it, and make due what falls due with it."""
    from_stage = project.stage
    project.stage = to_stage
    if to_stage == FutureStage.APPROVED:
        project.approval_date = on_date
    if to_stage == FutureStage.NAMED:
        project.named_date = on_date
    save_checked(project, actor=actor)
    if to_stage == FutureStage.JOINT_ACCEPTANCE_PASSED:
        # The step's condition (projects.lifecycles) let it pass only with every scenario built.
        for scenario in project.scenarios.select_for_update().filter(state=ScenarioState.BUILT):
            save_checked(scenario, actor=actor, fields={"state": ScenarioState.ACCEPTED})
    record_change(
        project=project,
        actor=actor,
        from_state=from_stage,
        to_state=to_stage,
        comment=comment,
        on_date=on_date,
    )
    if to_stage == FutureStage.APPROVED:
        funding_services.subsidy_commit_for_project(project=project, actor=actor)
    else:
        funding_services.project_stage_reached(
            project=project, stage=to_stage, actor=actor, on=on_date
        )
    _notify_stage(project, on_date)


def _notify_stage(project, on_date) -> None:
    stage = Text.choice(FutureStage, project.stage)
    notify(
        recipients=subdistrict_staff_of(project.community.subdistrict_id),
        subject=Text(gettext_noop("Future community: %(stage)s"), stage=stage),
        body=Text(
            gettext_noop("%(community)s has reached the stage “%(stage)s” on %(date)s."),
            community=project.community.name,
            stage=stage,
            date=on_date,
        ),
        link=reverse("projects:future_detail", args=[project.pk]),
    )


@transaction.atomic
def project_advance(
    *,
    actor,
    project: FutureCommunityProject,
    to_stage: str,
    on_date: datetime.date,
    comment: str = "",
) -> FutureCommunityProject:
    """Move a project to its next stage, one step at a time, with the date it happened."""
    if to_stage not in FUTURE or FUTURE[to_stage].target != to_stage:
        raise ValidationError({"to_stage": _("Choose the project's next stage.")})
    project = _locked_project(project, actor=actor, step=to_stage)
    if FUTURE[to_stage].service != SERVICES_ADVANCE:
        # The stage has a record of its own (the joint acceptance): its own form takes it.
        refuse(_("Record “%(title)s” with its own form."), title=str(FUTURE[to_stage].title))
    _check_stage_day(project, to_stage, on_date)
    _reach_stage(project, actor=actor, to_stage=to_stage, on_date=on_date, comment=comment)
    return project


# --- a project's nine scenarios (三化九场景) ------------------------------------------------

# The scenarios a project builds can be planned until its joint acceptance; construction of
# them is reported between the project's approval (立项) and its joint acceptance.
SCENARIO_PLANNING_STAGES = FUTURE_STAGE_ORDER[
    : FUTURE_STAGE_ORDER.index(FutureStage.JOINT_ACCEPTANCE_PASSED)
]
SCENARIO_CONSTRUCTION_STAGES = (FutureStage.APPROVED, FutureStage.CONSTRUCTION_COMPLETE)


def _scenario_label(code: str) -> str:
    return str(Scenario(code).label) if code in Scenario.values else code


def scenarios_check(*, project: FutureCommunityProject, scenarios: list[dict[str, Any]]) -> None:
    """Each scenario is one of the nine, given once, with its planned content, and none the
    subdistrict already reported built is dropped (the admin's inline checks it before saving)."""
    seen = set()
    for values in scenarios:
        code = values.get("scenario")
        if code not in Scenario.values:
            raise ValidationError(
                {
                    "scenario": _("“%(scenario)s” is not one of the nine scenarios.")
                    % {"scenario": code}
                }
            )
        if code in seen:
            raise ValidationError(
                {
                    "scenario": _("The scenario “%(scenario)s” is given twice.")
                    % {"scenario": _scenario_label(code)}
                }
            )
        seen.add(code)
        if not (values.get("planned_content") or "").strip():
            raise ValidationError(
                {
                    "planned_content": _("Say what the scenario “%(scenario)s” will build.")
                    % {"scenario": _scenario_label(code)}
                }
            )
    reported = sorted(
        project.scenarios.exclude(scenario__in=seen).exclude(state=ScenarioState.PLANNED),
        key=scenario_order,
    )
    if reported:
        raise ValidationError(
            {
                "scenario": _(
                    "“%(scenarios)s” is already reported built and stays among the project's "
                    "scenarios."
                )
                % {"scenarios": names(row.get_scenario_display() for row in reported)}
            }
        )


def _locked_for_scenarios(project, *, actor, action: str, stages, refusal: str):
    """Lock the project, read it again and check that the actor may act on its scenarios at
    its stage now."""
    project = locked(FutureCommunityProject, project.pk, "community")
    ensure(actor, action, project)
    if project.stage not in stages:
        refuse(refusal, stage=project.get_stage_display())
    return project


@transaction.atomic
def project_scenarios_save(
    *, actor, project: FutureCommunityProject, scenarios: list[dict[str, Any]]
) -> list[FutureScenario]:
    """Make the project's scenarios exactly these (scenario and planned content): new ones
    start as planned, kept ones keep their state, and one reported built cannot be dropped."""
    project = _locked_for_scenarios(
        project,
        actor=actor,
        action=CHANGE,
        stages=SCENARIO_PLANNING_STAGES,
        refusal=_(
            "The scenarios of a project at stage “%(stage)s” are settled; they can change "
            "only until the joint acceptance."
        ),
    )
    existing = {row.scenario: row for row in project.scenarios.select_for_update()}
    scenarios_check(project=project, scenarios=scenarios)
    wanted = {values["scenario"] for values in scenarios}
    dropped = [row for code, row in existing.items() if code not in wanted]
    saved = []
    for values in scenarios:
        row = existing.get(values["scenario"]) or FutureScenario(
            project=project, scenario=values["scenario"]
        )
        content = values["planned_content"].strip()
        if row.pk is None or row.planned_content != content:
            save_checked(row, actor=actor, fields={"planned_content": content})
        saved.append(row)
    for row in dropped:
        row._history_user = actor
        row.delete()
    return saved


@transaction.atomic
def project_scenarios_report_built(
    *, actor, project: FutureCommunityProject, built: Iterable[str]
) -> list[FutureScenario]:
    """The subdistrict reports which of the project's scenarios are built (the others are
    still being built); the task force is told."""
    project = _locked_for_scenarios(
        project,
        actor=actor,
        action=REPORT_SCENARIOS,
        stages=SCENARIO_CONSTRUCTION_STAGES,
        refusal=_(
            "Scenarios are reported built between the project approval and the joint "
            "acceptance; this project is at stage “%(stage)s”."
        ),
    )
    built = set(built)
    rows = {row.scenario: row for row in project.scenarios.select_for_update()}
    unknown = sorted(built - set(rows))
    if unknown:
        raise ValidationError(
            {
                "built": _("The project does not plan the scenario “%(scenarios)s”.")
                % {"scenarios": names(_scenario_label(code) for code in unknown)}
            }
        )
    changed = []
    for code, row in rows.items():
        state = ScenarioState.BUILT if code in built else ScenarioState.PLANNED
        if row.state != state:
            save_checked(row, actor=actor, fields={"state": state})
            changed.append(row)
    if changed:
        done = sum(row.state == ScenarioState.BUILT for row in rows.values())
        notify(
            recipients=users_with_roles(Role.TASKFORCE_APPROVER),
            subject=Text(
                gettext_noop("Future community: scenarios built at %(community)s"),
                community=project.community.name,
            ),
            body=Text(
                gettext_noop("%(community)s reports %(built)s of its %(total)s scenarios built."),
                community=project.community.name,
                built=done,
                total=len(rows),
            ),
            link=reverse("projects:future_detail", args=[project.pk]),
        )
    return list(rows.values())


SERVICES_ADVANCE = f"{__name__}.project_advance"


def _save_record(record, *, actor, document) -> None:
    """Validate and save a record with its document, kept under its own name."""
    if not document:
        save_checked(record, actor=actor)
        return
    validate_attachment(document)
    record.document_name = PurePath(document.name).name[:200]
    _save_with_upload(record, record.document, document, save=save_checked, actor=actor)


def _evidence(document_number: str, document) -> str:
    """The document number as given; refused when neither it nor a file is given."""
    number = (document_number or "").strip()
    if not number and not document:
        raise ValidationError(
            {"document_number": _("Give the document number or upload the document.")}
        )
    return number


@transaction.atomic
def digital_review_record(
    *,
    actor,
    project: FutureCommunityProject,
    verdict: str,
    reviewed_on: datetime.date,
    comments: str = "",
    document_number: str = "",
    document=None,
) -> DigitalPlanReview:
    """The 融媒体中心 records its opinion on the digital part of the implementation plan
    (policy §七(一), §七(二)); a disagreement sends a reviewed plan back to planning."""
    project = _locked_project(project, actor=actor, step="digital_review")
    if verdict not in OpinionDecision.values:
        raise ValidationError({"verdict": _("Choose agree, agree with conditions or disagree.")})
    if verdict != OpinionDecision.AGREE and not (comments or "").strip():
        raise ValidationError(
            {"comments": _("Give the conditions or the reasons for disagreeing.")}
        )
    number = _evidence(document_number, document)
    reached = stages_reached(project).get(project.stage)
    check_day(
        "reviewed_on",
        reviewed_on,
        not_before=reached.on if reached else None,
        what=str(FutureStage(project.stage).label),
    )
    review = DigitalPlanReview(
        project=project,
        verdict=verdict,
        comments=(comments or "").strip(),
        reviewed_on=reviewed_on,
        document_number=number,
        recorded_by=actor,
    )
    _save_record(review, actor=actor, document=document)
    if verdict == OpinionDecision.DISAGREE and project.stage == FutureStage.PLAN_REVIEWED:
        from_stage = project.stage
        project.stage = FutureStage.PLANNING
        save_checked(project, actor=actor)
        record_change(
            project=project,
            actor=actor,
            from_state=from_stage,
            to_state=FutureStage.PLANNING,
            comment_code=history.DIGITAL_DISAGREED,
            on_date=reviewed_on,
        )
    verdict_text = Text.choice(OpinionDecision, verdict)
    notify(
        recipients={
            *users_with_roles(Role.TASKFORCE_APPROVER),
            *subdistrict_staff_of(project.community.subdistrict_id),
        },
        subject=Text(gettext_noop("Digital-plan review: %(verdict)s"), verdict=verdict_text),
        body=Text(
            gettext_noop(
                "The Converged Media Centre's opinion on the digital plan of %(community)s: "
                "%(verdict)s."
            ),
            community=project.community.name,
            verdict=verdict_text,
        ),
        link=reverse("projects:future_detail", args=[project.pk]),
    )
    return review


@transaction.atomic
def project_pass_joint_acceptance(
    *,
    actor,
    project: FutureCommunityProject,
    on_date: datetime.date,
    lead_unit,
    participants: Iterable,
    document_number: str = "",
    document=None,
    comment: str = "",
) -> JointAcceptance:
    """Record the joint acceptance (联合验收) of a completed project: its day, the lead unit
    (市住建局), the units taking part (慈溪城投集团 and the departments concerned) and its
    document; the second tranche falls due with it."""
    stage = FutureStage.JOINT_ACCEPTANCE_PASSED
    project = _locked_project(project, actor=actor, step=stage)
    if lead_unit is None:
        raise ValidationError({"lead_unit": _("Name the unit that led the joint acceptance.")})
    units = [unit for unit in participants or () if unit.pk != lead_unit.pk]
    if not units:
        raise ValidationError(
            {"participants": _("Choose the units that took part in the joint acceptance.")}
        )
    number = _evidence(document_number, document)
    _check_stage_day(project, stage, on_date)
    acceptance = JointAcceptance(
        project=project,
        accepted_on=on_date,
        lead_unit=lead_unit,
        document_number=number,
        recorded_by=actor,
    )
    _save_record(acceptance, actor=actor, document=document)
    acceptance.participants.set(units)
    _reach_stage(project, actor=actor, to_stage=stage, on_date=on_date, comment=comment)
    return acceptance


# --- development blocks --------------------------------------------------------------------


@transaction.atomic
def block_save(*, actor, block: DevelopmentBlock, fields: dict[str, Any]) -> DevelopmentBlock:
    """Create or change a development block's area, population and place."""
    if block.pk:
        block = locked(DevelopmentBlock, block.pk)
    ensure(actor, CHANGE if block.pk else CREATE, block)
    values = {name: fields[name] for name in BLOCK_FIELDS if name in fields}
    return save_checked(block, actor=actor, fields=values)


@transaction.atomic
def block_units_save(
    *, actor, block: DevelopmentBlock, units: list[dict[str, Any]]
) -> list[BlockUnit]:
    """Make the block's planned units exactly these: number, name and facility types."""
    block = locked(DevelopmentBlock, block.pk)
    ensure(actor, CHANGE, block)
    # Units hold no history and nothing refers to them: replacing the list keeps renumbering simple.
    block.units.all().delete()
    saved = []
    for values in units:
        unit = BlockUnit(block=block, **{name: values[name] for name in UNIT_FIELDS})
        unit.full_clean()
        unit.save()
        saved.append(unit)
    return saved


def plan_table_request(*, actor, filters: dict, filter_summary: str) -> PlanTableExport:
    """A user asks for the three-year plan table of the projects they see, as filtered; a job
    writes it after commit."""
    return funding_services.requested_export_create(
        model=PlanTableExport,
        job=build_plan_table_export,
        label=gettext_lazy("the three-year plan table"),
        actor=actor,
        filters=filters,
        filter_summary=filter_summary,
    )


def plan_table_retry(*, actor, export: PlanTableExport) -> PlanTableExport:
    """Ask again, with the same filters, for a plan table that failed; the failed one stays."""
    return funding_services.requested_export_retry(
        lifecycle=PLAN_TABLE, actor=actor, export=export, request=plan_table_request
    )
