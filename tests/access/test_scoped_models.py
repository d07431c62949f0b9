"""Every scoped model answers the scope rule the same way through ``restrict`` and ``may``.

For each model whose default queryset is a ``ScopedQuerySet``, each action of its access
table (and VIEW), and each user of the world (the staff of the own and of the other
subdistrict, each city role, the superuser, a user without a role, anonymous):
``restrict(user, action)`` holds a subdistrict's row exactly when the rule lets the user act on
it, a user bound to one subdistrict never gets the other's row, a private register's row
(``owner_field``) is its owner's and the superuser's alone, and ``may`` agrees with
``restrict`` row by row. The expected answer is written out below from who the users are, not
computed by the access layer.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from communities.access import VIEW, ScopedQuerySet, may
from communities.roles import Role, role_codes

from .access_matrix import ROLES

pytestmark = pytest.mark.django_db

# The users of tests/access/world.py by key, and the subdistrict side each is bound to.
USERS = ("own_staff", "other_staff", *(r for r in ROLES if r != Role.SUBDISTRICT_STAFF))
USERS = (*USERS, "superuser", "no_role", "anonymous")
BOUND_TO = {"own_staff": "own", "other_staff": "other"}
SUBDISTRICT_ROLES = {Role.SUBDISTRICT_STAFF}


def scoped_models():
    found = [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), ScopedQuerySet)
    ]
    return sorted(found, key=lambda model: model._meta.label)


def actions_of(model):
    return sorted({VIEW, *model._default_manager.get_queryset().rules})


CASES = [(model, action) for model in scoped_models() for action in actions_of(model)]


def user_of(world, key):
    return AnonymousUser() if key == "anonymous" else world.users[key]


def rows_of(world, model) -> dict[str, object]:
    """The model's first row on each side of the world (the city's for a city-wide model)."""
    path = model._default_manager.get_queryset().subdistrict_path
    places = dict(world.sides) if path is not None else {"own": world.city, "other": world.city}
    rows = {}
    for side, namespace in places.items():
        for value in vars(namespace).values():
            if isinstance(value, model):
                rows[side] = value
                break
    if len(rows) < len(places):
        pytest.fail(
            f"{model._meta.label} is scoped but tests/access/world.py has no row of it: add one "
            "to each subdistrict's rows in _subdistrict_rows (or to the city's, for a model "
            "without a subdistrict)."
        )
    return rows


def expected(key, user, rule, side, city_wide: bool, owner_id=None) -> bool:
    """Whether the rule lets this world user act on the row of this side (``owner_id``: the
    user a row of a private register belongs to)."""
    if key == "anonymous":
        return False
    if user.is_superuser:
        return True
    if owner_id is not None and user.pk != owner_id:
        return False
    bound_to = BOUND_TO.get(key)
    if bound_to is not None and not city_wide and side != bound_to:
        return False
    held = role_codes(user) & set(rule.roles)
    if rule.roles and not held:
        return False
    # A role that works for one subdistrict acts on nothing for a user not bound to one.
    return bound_to is not None or not rule.roles or bool(held - SUBDISTRICT_ROLES)


def test_the_world_has_scoped_models():
    labels = {model._meta.label for model in scoped_models()}
    assert {"communities.Community", "communities.Facility", "communities.Subdistrict"} <= labels


@pytest.mark.parametrize(("model", "action"), CASES, ids=[f"{m._meta.label}-{a}" for m, a in CASES])
def test_restrict_and_may_follow_the_scope_rule(world, model, action):
    queryset = model._default_manager.get_queryset()
    rule = queryset.rule_for(action)
    city_wide = queryset.subdistrict_path is None
    rows = rows_of(world, model)
    for key in USERS:
        user = user_of(world, key)
        allowed = model._default_manager.restrict(user, action)
        for side, row in rows.items():
            inside = allowed.filter(pk=row.pk).exists()
            where = f"{key} on the {side} row of {model._meta.label}, {action!r}"
            owner_id = getattr(row, f"{queryset.owner_field}_id") if queryset.owner_field else None
            assert inside == expected(key, user, rule, side, city_wide, owner_id), where
            decision = may(user, action, row)
            assert bool(decision) == inside, f"may() disagrees with restrict(): {where}"
            if key in BOUND_TO and side != BOUND_TO[key] and not city_wide:
                assert not inside, f"a bound user got the other subdistrict's row: {where}"
                assert decision.hidden, f"the other subdistrict's row is not hidden: {where}"
            if not decision:
                assert decision.reason, f"a refusal without a reason: {where}"
