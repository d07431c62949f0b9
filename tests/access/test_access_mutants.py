"""The access layer's rules one by one, on users and rows that need no database: who a rule
lets in, which subdistrict's rows, the reason given, what is raised (docs/mutation.md lists what
each test was written against)."""

import dataclasses
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from communities import access
from communities.access import (
    ALL,
    ALLOWED,
    ANYONE,
    CHANGE,
    NOTHING,
    SUBDISTRICT_ROLES,
    VIEW,
    Decision,
    Rule,
    ScopedQuerySet,
    bound_subdistrict_id,
    decide,
    ensure,
    ensure_role,
    may,
    refused,
    roles_label,
    row_subdistrict_id,
)
from communities.roles import Role
from projects.models import GapFillingPlan

STAFF = Role.SUBDISTRICT_STAFF
TASKFORCE = Role.TASKFORCE_APPROVER
FINANCE = Role.FINANCE_OFFICER


def user(*roles, subdistrict_id=None, superuser=False, authenticated=True):
    """A user as the access layer reads one: signed in or not, roles, subdistrict."""
    return SimpleNamespace(
        is_authenticated=authenticated,
        is_superuser=superuser,
        subdistrict_id=subdistrict_id,
        _role_codes=frozenset(roles),
    )


ANONYMOUS = user(authenticated=False)
ROOT = user(superuser=True)
OWN_STAFF = user(STAFF, subdistrict_id=1)
APPROVER = user(TASKFORCE)
NOBODY = user()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_action_names_and_scopes_are_stable():
    assert (VIEW, CHANGE) == ("view", "change")
    assert (ALL, NOTHING) == ("all", "nothing")
    assert frozenset({STAFF}) == SUBDISTRICT_ROLES


def test_a_rule_without_roles_takes_any_signed_in_user():
    assert Rule().roles == ()
    assert Rule().qualifies(NOBODY)
    assert Rule() == ANYONE


def test_a_rule_with_roles_takes_their_holders_and_superusers_only():
    rule = Rule((TASKFORCE, FINANCE))

    assert rule.qualifies(APPROVER) and rule.qualifies(user(FINANCE)) and rule.qualifies(ROOT)
    assert not rule.qualifies(NOBODY) and not rule.qualifies(OWN_STAFF)


@pytest.mark.parametrize(
    ("rule", "who", "scope"),
    [
        (ANYONE, ANONYMOUS, NOTHING),
        (Rule((STAFF,)), user(STAFF, authenticated=False, subdistrict_id=1), NOTHING),
        (Rule((STAFF,)), ROOT, ALL),
        (Rule((TASKFORCE,)), user(superuser=True, subdistrict_id=4), ALL),
        (Rule((TASKFORCE,)), NOBODY, NOTHING),
        (Rule((TASKFORCE,)), OWN_STAFF, NOTHING),
        (Rule((STAFF,)), OWN_STAFF, 1),
        (ANYONE, OWN_STAFF, 1),
        (ANYONE, user(subdistrict_id=2), 2),
        (ANYONE, NOBODY, ALL),
        (Rule((TASKFORCE,)), APPROVER, ALL),
        # a subdistrict role acts on nothing unless its holder is bound to a subdistrict
        (Rule((STAFF,)), user(STAFF), NOTHING),
        (Rule((STAFF, TASKFORCE)), user(STAFF), NOTHING),
        (Rule((STAFF, TASKFORCE)), user(STAFF, TASKFORCE), ALL),
        (Rule((STAFF, TASKFORCE)), APPROVER, ALL),
    ],
)
def test_the_scope_of_a_rule(rule, who, scope):
    assert rule.scope(who) == scope


def test_a_user_without_is_authenticated_is_anonymous():
    assert ANYONE.scope(SimpleNamespace()) == NOTHING
    assert not decide(SimpleNamespace(), ANYONE, None, None)


def test_the_bound_subdistrict_is_the_users_own_or_none_for_city_and_anonymous():
    assert bound_subdistrict_id(OWN_STAFF) == 1
    assert bound_subdistrict_id(APPROVER) is None
    assert bound_subdistrict_id(ANONYMOUS) is None
    assert bound_subdistrict_id(ROOT) is None


def test_roles_are_listed_by_their_labels():
    assert roles_label((STAFF, TASKFORCE)) == "Subdistrict staff, Task force approver"
    assert roles_label(()) == ""


def test_roles_are_listed_with_the_chinese_list_mark_in_chinese():
    with translation.override("zh-hans"):
        expected = f"{Role(STAFF).label}、{Role(TASKFORCE).label}"
        assert roles_label((STAFF, TASKFORCE)) == expected


def test_the_shared_rule_and_answer_cannot_be_changed_by_one_caller_for_all():
    # ANYONE and ALLOWED are handed to every caller: a caller that changed one would change
    # every later answer of the portal
    with pytest.raises(dataclasses.FrozenInstanceError):
        ANYONE.roles = (STAFF,)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ALLOWED.allowed = False
    assert ANYONE.roles == () and ALLOWED.allowed is True
    # and, being values, equal rules and answers are one set member
    assert len({Rule((STAFF,)), Rule((STAFF,))}) == 1
    assert len({refused("no"), refused("no")}) == 1


def test_a_decision_is_refused_unhidden_and_without_code_unless_said():
    decision = Decision(False)

    assert (decision.reason, decision.hidden, decision.code) == ("", False, "")
    assert not decision and bool(Decision(True))
    assert Decision(True) == ALLOWED and ALLOWED.reason == ""
    assert refused("no") == Decision(False, "no")


def test_an_allowed_decision_raises_nothing():
    ALLOWED.raise_if_refused()
    Decision(True, "kept", code="").raise_if_refused()


@pytest.mark.parametrize(
    ("decision", "raised"),
    [
        (Decision(False, "gone", hidden=True), Http404),
        (Decision(False, "gone", hidden=True, code="x"), Http404),
        (Decision(False, "state", code="illegal_transition"), ValidationError),
        (Decision(False, "role"), PermissionDenied),
    ],
)
def test_a_refusal_raises_what_it_is_with_its_reason(decision, raised):
    with pytest.raises(raised) as caught:
        decision.raise_if_refused()
    assert decision.reason in str(caught.value)


def test_a_refusal_for_the_state_carries_its_code():
    with pytest.raises(ValidationError) as caught:
        Decision(False, "wait", code="illegal_transition").raise_if_refused()
    assert caught.value.code == "illegal_transition"


def test_the_subdistrict_of_a_row_follows_its_path():
    row = SimpleNamespace(
        pk=7,
        subdistrict_id=3,
        community=SimpleNamespace(subdistrict_id=5, block=SimpleNamespace(subdistrict_id=9)),
    )

    assert row_subdistrict_id(row, None) is None
    assert row_subdistrict_id(row, "pk") == 7
    assert row_subdistrict_id(row, "subdistrict") == 3
    assert row_subdistrict_id(row, "community__subdistrict") == 5
    assert row_subdistrict_id(row, "community__block__subdistrict") == 9


def row_of(subdistrict_id):
    return SimpleNamespace(subdistrict_id=subdistrict_id)


def test_decide_hides_everything_from_the_anonymous_user():
    decision = decide(ANONYMOUS, ANYONE, row_of(1), "subdistrict")

    assert not decision and decision.hidden and decision.reason == "Sign in first."


def test_decide_lets_a_superuser_do_anything_anywhere():
    assert decide(ROOT, Rule((FINANCE,)), row_of(2), "subdistrict") is ALLOWED


def test_decide_hides_another_subdistricts_row_whatever_the_rule():
    decision = decide(OWN_STAFF, Rule((TASKFORCE,)), row_of(2), "subdistrict")

    assert not decision and decision.hidden and decision.code == ""
    assert decision.reason == "No such record in your subdistrict."


def test_decide_shows_a_city_register_to_a_bound_user():
    assert decide(OWN_STAFF, Rule((STAFF,)), row_of(2), None)


def test_decide_refuses_the_wrong_role_with_the_roles_that_may():
    decision = decide(APPROVER, Rule((STAFF, FINANCE)), row_of(1), "subdistrict")

    assert not decision and not decision.hidden
    assert decision.reason == "Only these roles may do this: Subdistrict staff, Finance officer."


def test_decide_refuses_a_subdistrict_role_held_by_no_subdistricts_user():
    decision = decide(user(STAFF), Rule((STAFF,)), row_of(1), "subdistrict")

    assert not decision and not decision.hidden
    assert decision.reason == "Only the subdistrict's own staff may change its records."


def test_decide_allows_the_right_role_in_scope():
    assert decide(OWN_STAFF, Rule((STAFF,)), row_of(1), "subdistrict") is ALLOWED
    assert decide(APPROVER, Rule((TASKFORCE,)), row_of(2), "subdistrict") is ALLOWED
    assert decide(NOBODY, ANYONE, row_of(2), "subdistrict") is ALLOWED


def test_decide_hides_a_private_registers_row_from_all_but_its_owner():
    mine = SimpleNamespace(subdistrict_id=None, requested_by_id=7)
    owner = user(STAFF, subdistrict_id=1)
    owner.pk = 7
    other = user(STAFF, subdistrict_id=1)
    other.pk = 8

    assert decide(owner, ANYONE, mine, None, "requested_by") is ALLOWED
    assert decide(ROOT, ANYONE, mine, None, "requested_by") is ALLOWED
    decision = decide(other, ANYONE, mine, None, "requested_by")
    assert not decision and decision.hidden and decision.code == ""
    assert decision.reason == "No such record among your own."
    # the owner still needs the rule's role
    assert not decide(owner, Rule((FINANCE,)), mine, None, "requested_by")


def test_restrict_on_a_private_register_gives_each_user_their_own_rows():
    class Register(type(plans())):
        subdistrict_path = None
        owner_field = "created_by"

    queryset = Register(model=GapFillingPlan)
    staff = user(STAFF, subdistrict_id=1)
    staff.pk = 7

    assert str(queryset.restrict(staff).query) == str(plans().filter(created_by=7).query)
    assert str(queryset.restrict(ROOT).query) == str(plans().query)
    assert queryset.restrict(ANONYMOUS).query.is_empty()


def test_a_scoped_queryset_defaults_to_the_subdistrict_and_any_reader():
    assert ScopedQuerySet.subdistrict_path == "subdistrict"
    assert ScopedQuerySet.owner_field is None
    assert ScopedQuerySet.rules == {}
    assert ScopedQuerySet.rule_for(VIEW) == ANYONE


def test_a_missing_rule_for_an_action_other_than_view_is_an_error():
    with pytest.raises(KeyError) as caught:
        ScopedQuerySet.rule_for("approve")
    assert caught.value.args == ("ScopedQuerySet has no rule for 'approve'",)


def test_a_declared_rule_wins_over_the_default_view_rule():
    class Only(ScopedQuerySet):
        rules = {VIEW: Rule((FINANCE,))}

    assert Only.rule_for(VIEW) == Rule((FINANCE,))


def plans():
    return GapFillingPlan.objects.all()


@pytest.fixture
def plan_rules(monkeypatch):
    """Plans changed by their subdistrict's staff only (the table projects declares)."""
    monkeypatch.setattr(type(plans()), "rules", {CHANGE: Rule((STAFF,))})


def test_restrict_gives_no_rows_outside_the_rule(plan_rules):
    assert plans().restrict(ANONYMOUS).query.is_empty()
    assert plans().restrict(NOBODY, CHANGE).query.is_empty()


def test_restrict_gives_every_row_to_city_users_and_superusers():
    for who in (APPROVER, ROOT):
        restricted = plans().restrict(who)
        assert not restricted.query.is_empty()
        assert str(restricted.query) == str(plans().query)


def test_restrict_keeps_a_bound_users_subdistrict_only(plan_rules):
    restricted = plans().restrict(OWN_STAFF, CHANGE)

    assert str(restricted.query) == str(plans().filter(subdistrict=1).query)


def test_restrict_on_a_city_register_gives_a_bound_user_every_row():
    class Register(type(plans())):
        subdistrict_path = None

    queryset = Register(model=GapFillingPlan)

    assert str(queryset.restrict(OWN_STAFF).query) == str(plans().query)


def test_may_and_ensure_read_the_models_own_rules_and_path(plan_rules):
    own, other = GapFillingPlan(subdistrict_id=1), GapFillingPlan(subdistrict_id=2)

    assert may(OWN_STAFF, CHANGE, own)
    assert may(OWN_STAFF, CHANGE, other).hidden
    assert not may(APPROVER, CHANGE, own) and not may(APPROVER, CHANGE, own).hidden
    ensure(OWN_STAFF, VIEW, own)
    with pytest.raises(Http404):
        ensure(OWN_STAFF, VIEW, other)
    with pytest.raises(PermissionDenied):
        ensure(APPROVER, CHANGE, own)


def test_ensure_role_names_the_roles_that_may():
    ensure_role(APPROVER, TASKFORCE, FINANCE)
    ensure_role(ROOT, FINANCE)
    with pytest.raises(PermissionDenied) as caught:
        ensure_role(OWN_STAFF, TASKFORCE, FINANCE)
    assert (
        str(caught.value) == "Only these roles may do this: Task force approver, Finance officer."
    )


def test_the_module_keeps_the_subdistrict_rule_in_one_place():
    # the one scope function the rest of the portal reads
    assert access.bound_subdistrict_id is bound_subdistrict_id
