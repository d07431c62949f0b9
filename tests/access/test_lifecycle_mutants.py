"""The life-cycle engine on a small table of its own, with no database: registration, the
state checks, the order of the refusals, the buttons, the to-do list's states and how a step's
service is called (docs/mutation.md lists what each test was written against)."""

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from communities import lifecycle as engine
from communities.lifecycle import ADMIN, ILLEGAL, PAGE, SYSTEM, Lifecycle, Step, all_lifecycles
from communities.roles import Role
from projects.choices import PlanState
from projects.forms import CommentForm
from projects.lifecycles import PLAN_TABLE
from projects.models import GapFillingPlan, PlanTableExport
from tests.factories import UserFactory

S = PlanState
STAFF = Role.SUBDISTRICT_STAFF
TASKFORCE = Role.TASKFORCE_APPROVER
CALLS = []


def record(**kwargs):
    """The service of the test table's steps: remembers how it was called."""
    CALLS.append(kwargs)
    return "done"


def _late(user, plan):
    return "too late today" if plan.title == "late" else ""


SERVICE = f"{__name__}.record"
STEPS = [
    Step("submit", "Submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, (STAFF,), SERVICE),
    Step(
        "review",
        "Review",
        (S.SUBMITTED,),
        S.IN_JOINT_REVIEW,
        (TASKFORCE,),
        SERVICE,
        form="projects.forms.CommentForm",
        where=ADMIN,
        refusal="Not while %(state)s.",
        condition=_late,
    ),
    Step("tick", "Tick", (S.SUBMITTED, S.DRAFT), None, (TASKFORCE,), SERVICE, where=SYSTEM),
    Step("note", "Note", (S.DRAFT,), None, (), SERVICE),
]


def table(steps=STEPS, **kwargs) -> Lifecycle:
    """A life cycle of plans that does not stay in the registry."""
    made = Lifecycle(
        model="projects.GapFillingPlan", subject="plan", states=S, steps=steps, **kwargs
    )
    engine._REGISTRY.remove(made)
    return made


LC = table()


def user(*roles, subdistrict_id=None, superuser=False, authenticated=True):
    return SimpleNamespace(
        is_authenticated=authenticated,
        is_superuser=superuser,
        subdistrict_id=subdistrict_id,
        _role_codes=frozenset(roles),
    )


OWN = user(STAFF, subdistrict_id=1)
OTHER = user(STAFF, subdistrict_id=2)
APPROVER = user(TASKFORCE)
ROOT = user(superuser=True)
NOBODY = user()


def plan(state=S.DRAFT, subdistrict_id=1, title="ok"):
    return GapFillingPlan(state=state, subdistrict_id=subdistrict_id, title=title)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_where_a_step_shows_and_the_refusal_code_are_stable():
    assert (PAGE, ADMIN, SYSTEM, ILLEGAL) == ("page", "admin", "system", "illegal_transition")


def test_a_step_is_a_plain_page_button_without_form_refusal_or_condition_unless_said():
    step = STEPS[0]

    assert (step.form, step.where, step.refusal, step.done, step.condition) == (
        "",
        PAGE,
        "",
        "",
        None,
    )


def test_steps_differing_only_in_their_condition_are_equal():
    assert Step("a", "A", (), None, (), SERVICE, condition=_late) == Step(
        "a", "A", (), None, (), SERVICE
    )


def test_a_step_is_frozen():
    with pytest.raises(AttributeError):
        STEPS[0].name = "other"


def test_a_life_cycle_registers_itself_and_all_lifecycles_lists_it():
    made = Lifecycle(model="projects.GapFillingPlan", subject="plan", states=S, steps=[])
    try:
        assert made in all_lifecycles()
        assert all_lifecycles() is not engine._REGISTRY
    finally:
        engine._REGISTRY.remove(made)
    from projects.lifecycles import PLAN

    assert PLAN in all_lifecycles()


def test_all_lifecycles_finds_the_tables_no_module_has_imported_yet():
    # in a fresh process (a worker, a management command) Django's start imports only some of
    # the apps' lifecycles modules; the to-do list and the generated tests need all of them
    script = (
        "import django; django.setup()\n"
        "from communities.lifecycle import all_lifecycles\n"
        "print(' '.join(sorted(lc.model_label for lc in all_lifecycles())))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cixi_portal.settings.test"}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    # every app's table, as this process (which has imported them all) has them
    for app in ("funding", "operations", "projects", "public"):
        importlib.import_module(f"{app}.lifecycles")
    declared = sorted({lc.model_label for lc in engine._REGISTRY})
    assert "public.Suggestion" in declared and "operations.SupervisionReport" in declared
    assert done.stdout.split() == declared


def test_a_step_naming_an_unknown_state_is_refused_when_the_table_is_declared():
    for sources, target in [(("nowhere",), S.DRAFT), ((S.DRAFT,), "nowhere")]:
        with pytest.raises(ValueError) as caught:
            table([Step("bad", "Bad", sources, target, (), SERVICE)])
        assert (
            str(caught.value)
            == "projects.GapFillingPlan step 'bad' names unknown states {'nowhere'}"
        )
    table([Step("fine", "Fine", (S.DRAFT,), None, (), SERVICE)])


def test_the_table_keeps_its_model_subject_states_field_and_steps_in_order():
    assert LC.model_label == "projects.GapFillingPlan" and LC.model is GapFillingPlan
    assert LC.subject == "plan" and LC.states is S
    assert LC.state_field == "state"
    assert table(state_field="stage").state_field == "stage"
    assert [step.name for step in LC] == ["submit", "review", "tick", "note"]
    assert LC["review"] is STEPS[1]
    assert "review" in LC and "nothing" not in LC


def test_the_state_of_a_row_and_its_label():
    assert LC.state_of(plan(S.RETURNED)) == S.RETURNED
    assert LC.state_label(S.RETURNED) == str(S.RETURNED.label)
    assert table(state_field="title").state_of(plan(title="x")) == "x"


def test_the_sources_of_a_step_and_the_steps_from_a_state():
    assert LC.sources("submit") == (S.DRAFT, S.RETURNED)
    assert [s.name for s in LC.steps_from(S.DRAFT)] == ["submit", "tick", "note"]
    assert [s.name for s in LC.steps_from(S.SUBMITTED)] == ["review", "tick"]
    assert [s.name for s in LC.steps_from(S.SUBMITTED, where=ADMIN)] == ["review"]
    assert [s.name for s in LC.steps_from(S.DRAFT, where=PAGE)] == ["submit", "note"]
    assert LC.steps_from(S.CLOSED) == []


def test_decide_hides_another_subdistricts_row_before_anything_else():
    decision = LC.decide(OTHER, "review", plan(S.CLOSED))

    assert not decision and decision.hidden and decision.code == ""


def test_decide_refuses_the_role_before_the_state():
    decision = LC.decide(APPROVER, "submit", plan(S.CLOSED))

    assert not decision and not decision.hidden and decision.code == ""
    assert decision.reason == "Only these roles may do this: Subdistrict staff."


def test_decide_refuses_the_state_with_the_steps_own_refusal():
    decision = LC.decide(APPROVER, "review", plan(S.DRAFT))

    assert not decision and decision.code == ILLEGAL and not decision.hidden
    assert decision.reason == f"Not while {S.DRAFT.label}."


def test_decide_refuses_the_state_with_the_general_refusal_when_the_step_has_none():
    decision = LC.decide(OWN, "submit", plan(S.CLOSED))

    assert decision.code == ILLEGAL
    assert decision.reason == f"This step cannot be taken while it is {S.CLOSED.label}."


def test_decide_refuses_on_the_condition_with_its_reason():
    decision = LC.decide(APPROVER, "review", plan(S.SUBMITTED, title="late"))

    assert not decision and decision.code == ILLEGAL and decision.reason == "too late today"


def test_decide_allows_when_scope_role_state_and_condition_agree():
    assert LC.decide(APPROVER, "review", plan(S.SUBMITTED)) is engine.ALLOWED
    assert LC.decide(OWN, "submit", plan(S.RETURNED)) is engine.ALLOWED
    assert LC.decide(ROOT, "submit", plan(S.DRAFT, subdistrict_id=2))
    assert LC.decide(NOBODY, "note", plan(S.DRAFT))


def test_check_raises_what_decide_says():
    LC.check(OWN, "submit", plan())
    with pytest.raises(Http404):
        LC.check(OTHER, "submit", plan())
    with pytest.raises(PermissionDenied):
        LC.check(APPROVER, "submit", plan())
    with pytest.raises(ValidationError) as caught:
        LC.check(OWN, "submit", plan(S.CLOSED))
    assert caught.value.code == ILLEGAL


def test_available_lists_the_steps_the_user_may_take_now_in_table_order():
    assert [s.name for s in LC.available(OWN, plan())] == ["submit", "note"]
    assert [s.name for s in LC.available(APPROVER, plan(S.SUBMITTED))] == ["review", "tick"]
    assert [s.name for s in LC.available(APPROVER, plan(S.SUBMITTED), where=ADMIN)] == ["review"]
    assert LC.available(APPROVER, plan(S.SUBMITTED, title="late"), where=ADMIN) == []
    assert LC.available(OTHER, plan()) == []


def plans():
    return GapFillingPlan.objects.all()


def test_the_to_do_list_holds_the_states_of_the_users_steps_but_the_portals_own():
    assert str(LC.actionable(OWN).query) == str(
        plans().filter(subdistrict=1).filter(state__in=sorted({S.DRAFT, S.RETURNED})).query
    )
    # a step anyone may take puts its states on everyone's list
    assert str(LC.actionable(NOBODY).query) == str(plans().filter(state__in=[S.DRAFT]).query)
    assert str(LC.actionable(APPROVER).query) == str(
        plans().filter(state__in=[S.DRAFT, S.SUBMITTED]).query
    )
    # the approver's system step from draft does not put drafts on the list
    without_note = table(STEPS[:3])
    assert str(without_note.actionable(APPROVER).query) == str(
        plans().filter(state__in=[S.SUBMITTED]).query
    )


def test_the_to_do_list_is_empty_without_a_step_for_the_user():
    only_taskforce = table([STEPS[1]])

    assert only_taskforce.actionable(OWN).query.is_empty()
    assert only_taskforce.actionable(user(authenticated=False)).query.is_empty()


def test_the_to_do_list_narrows_the_queryset_it_is_given():
    given = plans().filter(year=2025)

    assert str(table(STEPS[:3]).actionable(APPROVER, given).query) == str(
        given.filter(state__in=[S.SUBMITTED]).query
    )


def test_a_steps_service_and_form_are_read_from_their_dotted_paths():
    assert LC.service("submit") is record
    assert LC.form_class("review") is CommentForm
    assert LC.form_class("submit") is None


def test_run_calls_the_service_with_the_actor_the_row_as_its_subject_and_the_data():
    CALLS.clear()
    row = plan()

    assert LC.run(OWN, "submit", row, {"comment": "c"}) == "done"
    assert LC.run(OWN, "submit", row) == "done"

    assert [{"actor": OWN, "plan": row, "comment": "c"}, {"actor": OWN, "plan": row}] == CALLS


# --- the "next step" line and where a step's button shows ---------------------------------


def _needs_title(plan) -> str:
    return "" if plan.title else "The plan needs a title."


NEXT_STEPS = [
    Step("edit", "Edit", (S.DRAFT,), None, (STAFF,), SERVICE),
    Step("submit", "Submit", (S.DRAFT,), S.SUBMITTED, (STAFF,), SERVICE, requires=_needs_title),
    Step("withdraw", "Withdraw", (S.DRAFT,), S.WITHDRAWN, (STAFF,), SERVICE, aside=True),
    Step("tick", "Tick", (S.DRAFT,), None, (TASKFORCE,), SERVICE, where=SYSTEM),
    Step("open", "Open", (S.DRAFT,), S.IN_JOINT_REVIEW, (TASKFORCE,), SERVICE, where=ADMIN),
]
NEXT = table(NEXT_STEPS)


def test_the_next_line_names_the_roles_and_their_steps_forward_with_what_each_waits_for():
    with translation.override("en"):
        untitled = GapFillingPlan(state=S.DRAFT, title="")
        assert NEXT.next_line(untitled) == (
            "Subdistrict staff: Edit, Submit (waiting: The plan needs a title). "
            "Task force approver: Open."
        )
        assert NEXT.next_line(untitled, waiting=False) == (
            "Subdistrict staff: Edit, Submit. Task force approver: Open."
        )
        titled = GapFillingPlan(state=S.DRAFT, title="方案")
        assert (
            NEXT.next_line(titled) == "Subdistrict staff: Edit, Submit. Task force approver: Open."
        )
        assert NEXT.next_line(GapFillingPlan(state=S.CLOSED)) == "Nothing more to do (Closed)."


def test_the_next_line_reads_in_chinese():
    with translation.override("zh-hans"):
        untitled = GapFillingPlan(state=S.DRAFT, title="")
        assert NEXT.next_line(untitled) == (
            "镇街工作人员：Edit、Submit（尚待：The plan needs a title）。 专班审批人员：Open。"
        )
        assert NEXT.next_line(GapFillingPlan(state=S.CLOSED)) == "已无后续步骤（已办结）。"


def test_a_step_on_the_page_and_the_admin_shows_on_both_and_nowhere_else():
    both = Step("both", "Both", (S.DRAFT,), None, (STAFF,), SERVICE, where=engine.PAGE_AND_ADMIN)
    page_only = Step("page", "Page", (S.DRAFT,), None, (STAFF,), SERVICE)
    assert [both.shown_on(place) for place in (PAGE, ADMIN, SYSTEM)] == [True, True, False]
    assert [page_only.shown_on(place) for place in (PAGE, ADMIN, SYSTEM)] == [True, False, False]


def test_a_step_whose_row_is_not_ready_is_refused_with_the_reason():
    staff = user(STAFF, subdistrict_id=None, superuser=True)
    decision = NEXT.decide(staff, "submit", GapFillingPlan(state=S.DRAFT, title=""))
    assert (bool(decision), decision.reason, decision.code) == (
        False,
        "The plan needs a title.",
        ILLEGAL,
    )
    assert NEXT.decide(staff, "submit", GapFillingPlan(state=S.DRAFT, title="方案"))


@pytest.mark.django_db
def test_a_step_on_a_private_registers_row_is_for_its_owner_alone():
    owner = UserFactory(roles=[Role.TASKFORCE_APPROVER])
    other = UserFactory(roles=[Role.TASKFORCE_APPROVER])
    failed = PlanTableExport(requested_by=owner, state=PLAN_TABLE["retry"].sources[0])

    assert PLAN_TABLE.decide(owner, "retry", failed)
    refused = PLAN_TABLE.decide(other, "retry", failed)
    assert not refused and refused.hidden
