"""Every step of every life cycle, as every user of tests/access/world.py, in every state of the
life cycle: a user bound to a subdistrict on a row of its own and of another subdistrict, a city
user (who sees both alike) on one.

The cases are generated from ``communities.lifecycle.all_lifecycles()``: a new table, or a new
step in one, is covered without a line here, except its form data in ``SAMPLE_DATA`` (a step
without an entry fails with "add sample data for <model> <step>") and, for a new model, a row in
tests/access/world.py.

For each case the row is put in each state in turn (``force_state``: ``QuerySet.update``, past
the services, with the fields the state's database constraints require) and

(a) ``lifecycle.decide`` allows exactly when the user holds one of the step's roles (or is a
    superuser), the row is in the user's scope (a user bound to a subdistrict sees only its
    own: another subdistrict's row is hidden, a 404), the state is one of the step's sources
    and the step's condition passes; ``check`` raises what the decision says and ``available``
    lists the step exactly when it is allowed;
(b) every refused combination, taken through ``lifecycle.run`` with the sample data, raises
    (Http404, PermissionDenied or ValidationError) and changes nothing: the row, the rows
    pointing at it, its history and the notifications are as before (a ``REPEATABLE`` step
    asked again of a row in its target may return instead, and still changes nothing);
(c) the step's first role on its own row, in each source state, takes the step and the row
    reaches the step's target (when it names one).

Steps the portal takes itself (``where == SYSTEM``) are checked for (a) only.
"""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from communities.access import VIEW, may
from communities.choices import FutureStage
from communities.lifecycle import ILLEGAL, SYSTEM, all_lifecycles
from communities.models import Notification, OutboxItem
from communities.roles import Role

from .world import PDF, SCORES

LIFECYCLES = all_lifecycles()

# The users of the world: the key in ``world.users``, the role they hold (None: none) and the
# side whose subdistrict they are bound to (None: a city user).
USERS = {
    "own_staff": (Role.SUBDISTRICT_STAFF, "own"),
    "other_staff": (Role.SUBDISTRICT_STAFF, "other"),
    Role.DEPARTMENT_REVIEWER: (Role.DEPARTMENT_REVIEWER, None),
    Role.TASKFORCE_APPROVER: (Role.TASKFORCE_APPROVER, None),
    Role.FINANCE_OFFICER: (Role.FINANCE_OFFICER, None),
    Role.OPERATIONS_ASSESSOR: (Role.OPERATIONS_ASSESSOR, None),
    Role.SUPERVISOR: (Role.SUPERVISOR, None),
    "superuser": (None, None),
    "no_role": (None, None),
}
# Who takes a step in (c): its first role's user, on the row of the side that user is bound to.
FIRST_ROLE_USER = {Role.SUBDISTRICT_STAFF: "own_staff"} | {
    role: role for role in Role.values if role != Role.SUBDISTRICT_STAFF
}

# Which row of a side of the world each life cycle is tested on, when not the first row of its
# model that the side holds.
WORLD_ROWS: dict[str, str] = {
    "projects.GapFillingPlan": "plan",
    "funding.Tranche": "tranche_entered",
    "operations.OperatingContract": "contract",
    "operations.OperationsAssessment": "assessment_of_named",
    "projects.FutureCommunityProject": "project",
    "operations.SupervisionReport": "report",
    "projects.PlanTableExport": "plan_table",
}


def today():
    return timezone.localdate()


def reason(text: str) -> Callable:
    return lambda row, world: {"reason": text}


def _plan_content(plan, world):
    """The plan's own content again, as the edit form sends it."""
    items = [
        {
            "pk": item.pk,
            "facility_type": item.facility_type,
            "floor_area": item.floor_area,
            "investment": item.investment,
        }
        for item in plan.line_items.order_by("pk")
    ]
    return {"fields": {"title": f"{plan.title}（修订）"}, "line_items": items, "spaces": []}


def _attachment(plan, world):
    return {"file": SimpleUploadedFile("site.pdf", PDF, content_type="application/pdf")}


def _detach(plan, world):
    return {"attachment_id": plan.attachments.values_list("pk", flat=True).order_by("pk").first()}


def _every_department_agrees(plan, world):
    """Every department of the joint review agrees in the plan's round; then the approval."""
    from projects.choices import OpinionDecision
    from projects.models import ReviewOpinion
    from projects.selectors import required_departments

    for department in required_departments():
        ReviewOpinion.objects.update_or_create(
            plan=plan,
            # (a draft never submitted has round 0 and refuses the approval anyway)
            review_round=max(plan.review_round, 1),
            department=department,
            defaults={
                "decision": OpinionDecision.AGREE,
                "reviewer": world.users[Role.DEPARTMENT_REVIEWER],
            },
        )
    return {"approval_number": "慈补短板批〔2025〕7号", "approval_date": today()}


def _committed_subsidy(plan, world):
    """The subsidy that approval commits; then the acceptance."""
    from funding.services import subsidy_commit_for_plan

    subsidy_commit_for_plan(plan=plan, actor=world.users[Role.TASKFORCE_APPROVER])
    return {"acceptance_date": today(), "settled_investment": plan.total_investment}


def _advance_to(stage: str) -> Callable:
    return lambda project, world: {"to_stage": stage, "on_date": today(), "comment": ""}


def _joint_acceptance(project, world):
    """市住建局 leads, 慈溪城投集团 takes part, by document number."""
    from communities.models import Department

    return {
        "on_date": today(),
        "lead_unit": Department.objects.get(code="housing"),
        "participants": list(Department.objects.filter(code="urban_investment")),
        "document_number": "慈住建验〔2025〕2号",
    }


def _contract_content(contract, world):
    """The contract's own content again, as the edit form sends it."""
    fields = ("operator", "title", "service_level", "starts_on", "ends_on", "annual_fee")
    return {
        "facilities": list(contract.facilities.order_by("pk")),
        "fields": {name: getattr(contract, name) for name in fields},
    }


def _scores(assessment, world):
    return {"scores": dict(SCORES), "comments": "运营规范"}


# The form data each step's service takes, by (model label, step name): a dict, or a callable
# ``(row, world) -> dict`` that may also set up what the step needs (it runs inside the case's
# rolled-back transaction). Every entry names a step a table declares.
SAMPLE_DATA: dict[tuple[str, str], dict | Callable] = {
    # projects.GapFillingPlan (projects/lifecycles.py PLAN)
    ("projects.GapFillingPlan", "edit"): _plan_content,
    ("projects.GapFillingPlan", "attach"): _attachment,
    ("projects.GapFillingPlan", "detach"): _detach,
    ("projects.GapFillingPlan", "submit"): {},
    ("projects.GapFillingPlan", "withdraw"): reason("社区另行安排"),
    ("projects.GapFillingPlan", "open_review"): {},
    ("projects.GapFillingPlan", "opinion"): {"decision": "agree", "comments": ""},
    ("projects.GapFillingPlan", "return"): reason("请补充选址说明"),
    ("projects.GapFillingPlan", "approve"): _every_department_agrees,
    ("projects.GapFillingPlan", "start"): {},
    ("projects.GapFillingPlan", "progress"): lambda row, world: {
        "percent": 60,
        "on_date": today(),
        "note": "主体完工",
    },
    ("projects.GapFillingPlan", "complete"): lambda row, world: {"on_date": today(), "note": ""},
    ("projects.GapFillingPlan", "accept"): _committed_subsidy,
    ("projects.GapFillingPlan", "close"): {"comment": ""},
    # projects.FutureCommunityProject (projects/lifecycles.py FUTURE: one step per stage)
    **{
        ("projects.FutureCommunityProject", stage): _advance_to(stage)
        for stage in FutureStage.values
        if stage not in (FutureStage.PLANNING, FutureStage.JOINT_ACCEPTANCE_PASSED)
    },
    ("projects.FutureCommunityProject", FutureStage.JOINT_ACCEPTANCE_PASSED): _joint_acceptance,
    ("projects.FutureCommunityProject", "digital_review"): lambda row, world: {
        "verdict": "agree",
        "reviewed_on": today(),
        "comments": "",
        "document_number": "慈融媒审〔2025〕3号",
    },
    # funding.Tranche (funding/lifecycles.py TRANCHE)
    ("funding.Tranche", "amount"): {"amount": Decimal("150000.00")},
    ("funding.Tranche", "approve"): {"comment": ""},
    ("funding.Tranche", "pay"): lambda row, world: {
        "voucher_number": "PZ-2025-7",
        "paid_on": today(),
    },
    ("funding.Tranche", "cancel"): reason("方案撤回"),
    ("funding.Tranche", "return"): reason("资金退回"),
    # funding.DisbursementExport (funding/lifecycles.py EXPORT)
    ("funding.DisbursementExport", "retry"): {},
    # projects.PlanTableExport (projects/lifecycles.py PLAN_TABLE)
    ("projects.PlanTableExport", "retry"): {},
    # operations.OperationsAssessment (operations/lifecycles.py ASSESSMENT)
    ("operations.OperationsAssessment", "edit"): _scores,
    ("operations.OperationsAssessment", "submit"): {},
    ("operations.OperationsAssessment", "return"): {},
    ("operations.OperationsAssessment", "confirm"): {},
    ("operations.OperationsAssessment", "reward"): {},
    # operations.OperatingContract (operations/lifecycles.py CONTRACT)
    ("operations.OperatingContract", "edit"): _contract_content,
    ("operations.OperatingContract", "terminate"): {},
    # operations.SupervisionReport (operations/lifecycles.py SUPERVISION_REPORT)
    ("operations.SupervisionReport", "retry"): {},
    # public.Suggestion (public/lifecycles.py SUGGESTION)
    ("public.Suggestion", "release"): {"text": "希望增加老年食堂"},
    ("public.Suggestion", "answer"): {"answer": "已转社区办理"},
    ("public.Suggestion", "accept"): {"answer": "纳入补短板方案", "plan": None},
    ("public.Suggestion", "decline"): {"answer": "场地不足，暂不采纳"},
}


# Steps whose service, asked by one who may take them about a row already in their target,
# returns without changing anything (a repeated click, a bulk action over rows partly done),
# where any other refusal raises.
REPEATABLE = {("funding.Tranche", "approve")}


def repeatable(lifecycle, step) -> bool:
    return (lifecycle.model_label, step.name) in REPEATABLE


def sample_data(lifecycle, step, row, world) -> dict:
    key = (lifecycle.model_label, step.name)
    if key not in SAMPLE_DATA:
        pytest.fail(
            f"add sample data for {lifecycle.model_label} {step.name} to SAMPLE_DATA in "
            "tests/access/test_lifecycles.py",
            pytrace=False,
        )
    data = SAMPLE_DATA[key]
    return dict(data(row, world) if callable(data) else data)


def subdistrict_path(lifecycle):
    """The model's path to its Subdistrict (None: a city-wide register)."""
    return getattr(lifecycle.model._default_manager.get_queryset(), "subdistrict_path", None)


def sides_of(lifecycle, user_key: str | None = None) -> tuple[str, ...]:
    """The sides whose rows the life cycle is tested on: own and other for a user bound to a
    subdistrict (or for no user in particular); a city user sees both alike, so own only."""
    if subdistrict_path(lifecycle) is None:
        return ("city",)
    if user_key is not None and USERS[user_key][1] is None:
        return ("own",)
    return ("own", "other")


def row_of(world, lifecycle, side: str):
    """The world's row of the life cycle's model on one side (fails when the world has none)."""
    rows = world.city if side == "city" else world.sides[side]
    name = WORLD_ROWS.get(lifecycle.model_label)
    row = getattr(rows, name, None) if name else None
    if not isinstance(row, lifecycle.model):
        row = next((v for v in vars(rows).values() if isinstance(v, lifecycle.model)), None)
    if row is None:
        where = "the city's rows" if side == "city" else f"the {side} subdistrict's rows"
        pytest.fail(
            f"tests/access/world.py has no {lifecycle.model_label} among {where}: add one so "
            "the steps of its life cycle are tested",
            pytrace=False,
        )
    return row


# --- a row put in a state past the services ---------------------------------------------------


def _plan_fields(row, state, world) -> dict:
    # Every state after the draft has been submitted at least once: opinions need a round.
    return {"review_round": max(row.review_round, 1)} if state != "draft" else {}


def _tranche_fields(row, state, world) -> dict:
    fields = {}
    if state in ("due", "approved", "paid"):
        fields["due_on"] = row.due_on or today()
    if state == "paid":
        fields["voucher_number"] = row.voucher_number or "PZ-2024-9"
        fields["paid_on"] = row.paid_on or today()
    return fields


def _assessment_fields(row, state, world) -> dict:
    if state != "confirmed":
        return {"confirmed_by": None, "confirmed_at": None}
    return {
        "confirmed_by": row.confirmed_by or world.users[Role.OPERATIONS_ASSESSOR],
        "confirmed_at": row.confirmed_at or timezone.now(),
    }


def _contract_fields(row, state, world) -> dict:
    if state != "terminated":
        return {"terminated_on": None}
    return {"terminated_on": row.terminated_on or today()}


def _suggestion_fields(row, state, world) -> dict:
    if state in ("answered", "accepted", "not_adopted"):
        return {"answered_at": row.answered_at or timezone.now()}
    return {}


def _export_fields(row, state, world) -> dict:
    return {"file_name": row.file_name or "export.xlsx"} if state == "done" else {}


# The other fields the database requires of a row in a state (its check constraints), by model:
# ``(row, state, world) -> dict`` of the fields to set with the state.
CONSISTENT: dict[str, Callable] = {
    "projects.GapFillingPlan": _plan_fields,
    "funding.Tranche": _tranche_fields,
    "funding.DisbursementExport": _export_fields,
    "projects.PlanTableExport": _export_fields,
    "operations.OperationsAssessment": _assessment_fields,
    "operations.OperatingContract": _contract_fields,
    "public.Suggestion": _suggestion_fields,
}


def force_state(lifecycle, pk, state: str, world):
    """Put the row in ``state`` past the services, with the fields that state requires; the
    row as read back."""
    manager = lifecycle.model._base_manager
    fields = {lifecycle.state_field: state}
    consistent = CONSISTENT.get(lifecycle.model_label)
    if consistent is not None:
        fields |= consistent(manager.get(pk=pk), state, world)
    manager.filter(pk=pk).update(**fields)
    return manager.get(pk=pk)


# --- the expected answer, from the rules as DESIGN §1 states them ------------------------------

ALLOWED, HIDDEN, WRONG_ROLE, WRONG_STATE, CONDITION = (
    "allowed",
    "hidden",
    "wrong role",
    "wrong state",
    "condition",
)


def owner_of(row):
    """The user a row of a private register belongs to (None: the row is no one's own)."""
    field = getattr(type(row)._default_manager.get_queryset(), "owner_field", None)
    return getattr(row, f"{field}_id") if field else None


def expected(step, user_key: str, user, side: str, row, state: str) -> str:
    role, bound = USERS[user_key]
    if bound is not None and side != "city" and bound != side:
        return HIDDEN
    if owner_of(row) not in (None, user.pk) and user_key != "superuser":
        return HIDDEN
    holds = user_key == "superuser" or not step.roles or role in step.roles
    if not holds:
        return WRONG_ROLE
    if state not in step.sources:
        return WRONG_STATE
    if step.condition is not None and step.condition(user, row):
        return CONDITION
    return ALLOWED


def assert_decision(lifecycle, step, user, row, outcome: str, where: str) -> None:
    decision = lifecycle.decide(user, step.name, row)
    assert bool(decision) == (outcome == ALLOWED), f"{where}: expected {outcome}"
    assert decision.hidden == (outcome == HIDDEN), f"{where}: hidden? expected {outcome}"
    refused_by_state = outcome in (WRONG_STATE, CONDITION)
    assert (decision.code == ILLEGAL) == refused_by_state, f"{where}: code {decision.code!r}"
    if outcome != ALLOWED:
        assert decision.reason, f"{where}: a refusal gives its reason"
    raised = {HIDDEN: Http404, WRONG_ROLE: PermissionDenied}.get(outcome, ValidationError)
    if outcome == ALLOWED:
        lifecycle.check(user, step.name, row)
    else:
        with pytest.raises(raised):
            lifecycle.check(user, step.name, row)
    offered = step in lifecycle.available(user, row)
    assert offered == (outcome == ALLOWED), f"{where}: available() {offered}"


# --- what a refused step must leave as it was -------------------------------------------------


def _count(queryset):
    """A correlated COUNT(*) subquery (no GROUP BY)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def fingerprint(lifecycle, pk) -> dict:
    """In one query: the row's columns, how many rows point at it by each relation, its history
    and the notifications and e-mails and admin log entries of the whole portal."""
    model = lifecycle.model
    counts = {}
    for relation in model._meta.related_objects:
        related = relation.related_model._base_manager.filter(
            **{relation.field.name: OuterRef("pk")}
        )
        counts[f"rel_{relation.related_model._meta.label}_{relation.field.name}"] = _count(related)
    history = getattr(model, "history", None)
    if history is not None:
        counts["history"] = _count(history.model._base_manager.filter(id=OuterRef("pk")))
    for other in (Notification, OutboxItem, LogEntry):
        counts[f"all_{other._meta.label}"] = _count(other._base_manager.all())
    columns = [field.attname for field in model._meta.concrete_fields]
    return model._base_manager.filter(pk=pk).annotate(**counts).values(*columns, *counts).get()


# --- the cases --------------------------------------------------------------------------------


def _cases():
    for lifecycle in LIFECYCLES:
        for step in lifecycle:
            for user_key in USERS:
                for side in sides_of(lifecycle, user_key):
                    yield pytest.param(
                        lifecycle,
                        step,
                        user_key,
                        side,
                        id=f"{lifecycle.model_label}-{step.name}-{user_key}-{side}",
                    )


def test_every_step_of_every_life_cycle_has_sample_data():
    missing = [
        f"{lifecycle.model_label} {step.name}"
        for lifecycle in LIFECYCLES
        for step in lifecycle
        if step.where != SYSTEM and (lifecycle.model_label, step.name) not in SAMPLE_DATA
    ]
    assert not missing, "add sample data for " + ", ".join(missing)


def test_sample_data_names_only_steps_a_table_declares():
    declared = {(lc.model_label, step.name) for lc in LIFECYCLES for step in lc}
    named = SAMPLE_DATA.keys() | REPEATABLE
    stale = sorted(f"{label} {name}" for label, name in named - declared)
    assert not stale, "no table declares " + ", ".join(stale)


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=[lc.model_label for lc in LIFECYCLES])
def test_the_world_has_a_row_for_every_life_cycle(world, db, lifecycle):
    for side in sides_of(lifecycle):
        row = row_of(world, lifecycle, side)
        assert lifecycle.state_of(row) in lifecycle.states.values


@pytest.mark.parametrize(("lifecycle", "step", "user_key", "side"), list(_cases()))
def test_the_step_answers_as_the_rules_say_in_every_state(
    world, db, lifecycle, step, user_key, side
):
    # given a user of the world and the life cycle's row on one side
    user = world.users[user_key]
    pk = row_of(world, lifecycle, side).pk
    model = lifecycle.model
    first_role = step.roles[0] if step.roles else None
    takes_it = (
        step.where != SYSTEM
        and FIRST_ROLE_USER.get(first_role) == user_key
        and side in ("own", "city")
    )
    taken = []
    for state in lifecycle.states.values:
        with transaction.atomic():
            # when the row is in this state
            row = force_state(lifecycle, pk, state, world)
            where = f"{user_key} on {side}, {step.name} from {state}"
            outcome = expected(step, user_key, user, side, row, state)
            # then (a) the table decides as the rules say
            assert_decision(lifecycle, step, user, row, outcome, where)
            if step.where != SYSTEM and outcome != ALLOWED:
                # and (b) the service refuses and changes nothing
                data = sample_data(lifecycle, step, row, world)
                before = fingerprint(lifecycle, pk)
                fresh = model._base_manager.get(pk=pk)
                if outcome == WRONG_STATE and state == step.target and repeatable(lifecycle, step):
                    lifecycle.run(user, step.name, fresh, data)  # done already: nothing to do
                else:
                    with pytest.raises((Http404, PermissionDenied, ValidationError)):
                        lifecycle.run(user, step.name, fresh, data)
                assert fingerprint(lifecycle, pk) == before, f"{where}: a refusal changed the row"
            elif takes_it and outcome == ALLOWED:
                # and (c) the step's first role takes it, and the row reaches the target
                data = sample_data(lifecycle, step, row, world)
                lifecycle.run(user, step.name, row, data)
                reached = lifecycle.state_of(model._base_manager.get(pk=pk))
                if step.target is not None:
                    assert reached == step.target, f"{where}: reached {reached}"
                taken.append(state)
            transaction.set_rollback(True)
    if takes_it:
        assert taken, f"{user_key} could take {step.name} from no state: is the table right?"


@pytest.mark.parametrize(
    ("lifecycle", "user_key", "side"),
    [
        pytest.param(lc, key, side, id=f"{lc.model_label}-{key}-{side}")
        for lc in LIFECYCLES
        for key in USERS
        for side in sides_of(lc, key)
    ],
)
def test_the_to_do_list_holds_the_rows_with_a_step_for_the_user(
    world, db, lifecycle, user_key, side
):
    # given a user and the life cycle's row on one side
    user = world.users[user_key]
    pk = row_of(world, lifecycle, side).pk
    for state in lifecycle.states.values:
        with transaction.atomic():
            # when the row is in this state
            row = force_state(lifecycle, pk, state, world)
            # then it is on the user's to-do list exactly when the user reads it and holds a
            # role of a step (not the portal's own) that may be taken from this state
            role, _bound = USERS[user_key]
            has_step = any(
                state in step.sources
                and step.where != SYSTEM
                and (user_key == "superuser" or not step.roles or role in step.roles)
                for step in lifecycle
            )
            listed = lifecycle.actionable(user).filter(pk=pk).exists()
            assert listed == (has_step and bool(may(user, VIEW, row))), f"{user_key} {state}"
            transaction.set_rollback(True)
