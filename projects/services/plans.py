"""Writes to gap-filling plans: content while editable, then one function per transition."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.access import ensure_role
from communities.choices import Route, SpaceAvailability
from communities.compat import ensure_subdistrict_writer
from communities.models import Community, Department, SpaceResource
from communities.roles import Role, subdistrict_staff_of, users_with_roles
from communities.texts import Text
from funding import selectors as funding_selectors
from funding import services as funding_services
from funding.money import format_yuan

from .. import history
from ..choices import (
    AGREEING_DECISIONS,
    EDITABLE_STATES,
    WITHDRAWABLE_STATES,
    OperatingMode,
    OpinionDecision,
    PlanState,
)
from ..models import (
    GapFillingPlan,
    PlanAttachment,
    PlanLineItem,
    ProgressReport,
    ReviewOpinion,
    SpaceAllocation,
)
from ..uploads import validate_attachment
from ._common import check_day, notify, portal_language, record_change, refuse, save_checked

PLAN_FIELDS = (
    "year",
    "title",
    "total_investment",
    "policy_fee",
    "operating_mode",
    "operator_name",
)
LINE_ITEM_FIELDS = ("facility_type", "floor_area", "investment")


def _lock(plan: GapFillingPlan) -> GapFillingPlan:
    """Lock the plan's row and read it again, so the state checked is the state acted on."""
    return (
        GapFillingPlan.objects.select_for_update(of=("self",))
        .select_related("subdistrict", "community")
        .get(pk=plan.pk)
    )


def _state_label(plan: GapFillingPlan) -> str:
    return str(PlanState(plan.state).label)


def _require_state(plan: GapFillingPlan, allowed: Iterable[str], message: str) -> None:
    """Refuse with ``message`` (which may name %(state)s) unless the plan is in an allowed state."""
    if plan.state not in allowed:
        refuse(message, state=_state_label(plan))


def _lock_checked(plan, *, actor, role: str | None, states, refusal: str) -> GapFillingPlan:
    """Lock the plan, check the actor (role None: the subdistrict staff), then the state."""
    plan = _lock(plan)
    if role is None:
        ensure_subdistrict_writer(actor, plan.subdistrict_id)
    else:
        ensure_role(actor, role)
    _require_state(plan, states, refusal)
    return plan


def _lock_for_staff(plan, *, actor, states, refusal: str) -> GapFillingPlan:
    """Lock a plan that only its subdistrict's own staff may act on, in one of these states."""
    return _lock_checked(plan, actor=actor, role=None, states=states, refusal=refusal)


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


# --- content -------------------------------------------------------------------------------


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
        for name in LINE_ITEM_FIELDS:
            setattr(item, name, values[name])
        save_checked(item, actor=actor)
        kept.add(item.pk)
    for pk, item in existing.items():
        if pk not in kept:
            item._history_user = actor
            item.delete()


def _save_spaces(plan: GapFillingPlan, spaces: Iterable[SpaceResource]) -> None:
    """Allocate exactly these landing spaces to the plan; each may serve one active plan only."""
    wanted = {space.pk for space in spaces}
    locked = list(
        SpaceResource.objects.select_for_update(of=("self",))
        .filter(pk__in=wanted)
        .select_related("community")
        .order_by("pk")
    )
    for space in locked:
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
    for space in locked:
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


def live_plan_of(community: Community) -> GapFillingPlan | None:
    """The community's plan that is not withdrawn, if any: a community has one plan at a time."""
    return (
        GapFillingPlan.objects.filter(community=community)
        .exclude(state=PlanState.WITHDRAWN)
        .order_by("pk")
        .first()
    )


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
    ensure_subdistrict_writer(actor, community.subdistrict_id)
    if community.route != Route.GAP:
        raise ValidationError(
            {"community": _("“%(name)s” is not on the gap-filling route.") % {"name": community}}
        )
    # Locking the community makes a second plan for it (a double submit) wait, then see the first.
    Community.objects.select_for_update(of=("self",)).filter(pk=community.pk).first()
    existing = live_plan_of(community)
    if existing is not None:
        raise ValidationError(
            {
                "community": _(
                    "“%(name)s” already has the plan “%(title)s” (%(state)s); revise that plan "
                    "or withdraw it before drafting another."
                )
                % {"name": community.name, "title": existing.title, "state": _state_label(existing)}
            }
        )
    plan = GapFillingPlan(
        subdistrict_id=community.subdistrict_id, community=community, created_by=actor
    )
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
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=EDITABLE_STATES,
        refusal=_(
            "A plan in state “%(state)s” cannot be changed; only drafts and returned plans can."
        ),
    )
    return _apply_content(plan, actor=actor, fields=fields, line_items=line_items, spaces=spaces)


@transaction.atomic
def attachment_add(*, actor, plan: GapFillingPlan, file, description: str = "") -> PlanAttachment:
    """Attach a PDF, image or Office document to a plan of the actor's subdistrict."""
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=set(PlanState.values) - {PlanState.WITHDRAWN, PlanState.CLOSED},
        refusal=_("A plan in state “%(state)s” takes no more attachments."),
    )
    validate_attachment(file)
    attachment = PlanAttachment(
        plan=plan,
        original_name=PurePath(file.name).name[:200],
        size=file.size,
        description=description,
        uploaded_by=actor,
    )
    attachment.file.save(PurePath(file.name).name, file, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, actor, plan: GapFillingPlan, attachment_id: int) -> None:
    """Remove a document from a draft or returned plan of the actor's subdistrict."""
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=EDITABLE_STATES,
        refusal=_(
            "A plan in state “%(state)s” keeps its attachments; only drafts and returned plans "
            "can lose one."
        ),
    )
    attachment = plan.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError(_("The plan has no such attachment."))
    attachment.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: attachment.file.delete(save=False))


# --- transitions ---------------------------------------------------------------------------


@transaction.atomic
def plan_submit(*, actor, plan: GapFillingPlan) -> GapFillingPlan:
    """Send a draft or returned plan to the task force for joint review."""
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=EDITABLE_STATES,
        refusal=_(
            "A plan in state “%(state)s” cannot be submitted; only drafts and returned plans can."
        ),
    )
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
    plan = _lock_checked(
        plan,
        actor=actor,
        role=Role.TASKFORCE_APPROVER,
        states=[PlanState.SUBMITTED],
        refusal=_(
            "A plan in state “%(state)s” cannot go to joint review; it must be submitted first."
        ),
    )
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


def required_departments():
    """The departments whose agreement a plan needs (configurable on Department)."""
    return Department.objects.filter(is_joint_reviewer=True).order_by("code")


def missing_agreements(plan: GapFillingPlan) -> list[Department]:
    """Required departments that have not agreed in the plan's current round."""
    agreed = set(
        plan.opinions.filter(
            review_round=plan.review_round, decision__in=AGREEING_DECISIONS
        ).values_list("department_id", flat=True)
    )
    return [department for department in required_departments() if department.pk not in agreed]


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
    plan = _lock(plan)
    ensure_role(actor, Role.DEPARTMENT_REVIEWER)
    department = actor.department
    if department is None or not department.is_joint_reviewer:
        raise PermissionDenied(_("Your department does not take part in the joint review."))
    _require_state(
        plan,
        [PlanState.IN_JOINT_REVIEW, PlanState.APPROVABLE],
        _("A plan in state “%(state)s” takes no opinions; it is not in joint review."),
    )
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
    plan = _lock_checked(
        plan,
        actor=actor,
        role=Role.TASKFORCE_APPROVER,
        states=[PlanState.SUBMITTED, PlanState.IN_JOINT_REVIEW, PlanState.APPROVABLE],
        refusal=_("A plan in state “%(state)s” cannot be returned; only plans under review can."),
    )
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
    plan = _lock_checked(
        plan,
        actor=actor,
        role=Role.TASKFORCE_APPROVER,
        states=[PlanState.APPROVABLE],
        refusal=_(
            "A plan in state “%(state)s” cannot be approved; it must first pass joint review."
        ),
    )
    missing = missing_agreements(plan)
    if missing:
        refuse(
            _("The plan cannot be approved: no agreement yet from %(departments)s."),
            departments=", ".join(str(department) for department in missing),
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
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=WITHDRAWABLE_STATES,
        refusal=_(
            "A plan in state “%(state)s” cannot be withdrawn; only plans not yet approved can."
        ),
    )
    plan.space_allocations.filter(is_active=True).update(is_active=False)
    _move(plan, actor=actor, to_state=PlanState.WITHDRAWN, comment=reason)
    _notify_state(plan, users_with_roles(Role.TASKFORCE_APPROVER), reason)
    return plan


@transaction.atomic
def plan_start(*, actor, plan: GapFillingPlan, comment: str = "") -> GapFillingPlan:
    """Start construction of an approved plan."""
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=[PlanState.APPROVED],
        refusal=_(
            "A plan in state “%(state)s” cannot start construction; it must be approved first."
        ),
    )
    _move(plan, actor=actor, to_state=PlanState.UNDER_CONSTRUCTION, comment=comment)
    _notify_state(plan, users_with_roles(Role.TASKFORCE_APPROVER), comment)
    return plan


@transaction.atomic
def progress_report(
    *, actor, plan: GapFillingPlan, percent: int, on_date: datetime.date, note: str = ""
) -> ProgressReport:
    """Report construction progress (percentage and date) of a plan under construction."""
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=[PlanState.UNDER_CONSTRUCTION],
        refusal=_(
            "A plan in state “%(state)s” takes no progress reports; it is not under construction."
        ),
    )
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
    plan.progress_percent = percent
    save_checked(plan, actor=actor)
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
    plan = _lock_for_staff(
        plan,
        actor=actor,
        states=[PlanState.UNDER_CONSTRUCTION],
        refusal=_("A plan in state “%(state)s” cannot be completed; it is not under construction."),
    )
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
    plan = _lock_checked(
        plan,
        actor=actor,
        role=Role.TASKFORCE_APPROVER,
        states=[PlanState.COMPLETED],
        refusal=_("A plan in state “%(state)s” cannot be accepted; construction must be complete."),
    )
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
    plan = _lock_checked(
        plan,
        actor=actor,
        role=Role.TASKFORCE_APPROVER,
        states=[PlanState.ACCEPTED],
        refusal=_("A plan in state “%(state)s” cannot be closed; it must be accepted first."),
    )
    money = funding_selectors.money_panel_for(plan=plan)
    # A cancelled subsidy leaves nothing to pay, so the plan can still close.
    if money.remaining > 0:
        refuse(
            _("The plan closes once its subsidy is paid; %(remaining)s yuan is still unpaid."),
            remaining=format_yuan(money.remaining),
        )
    _move(plan, actor=actor, to_state=PlanState.CLOSED, comment=comment)
    _notify_state(plan, subdistrict_staff_of(plan.subdistrict_id))
    return plan
