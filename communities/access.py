"""Who may act on which row: the one place the subdistrict scope rule is written.

Each scoped model's queryset names the path from the model to its Subdistrict and an access
table (the app's ``permissions.py``): for each action, the :class:`Rule` of who may take it.
``Model.objects.restrict(user, action)`` gives the rows; :func:`may` answers for one row with a
reason the page can show; :func:`ensure` raises that reason. Life-cycle steps
(``communities.lifecycle``) use the same scope with their own roles.

The scope rule: a user bound to a subdistrict (its staff) sees and acts on that subdistrict's
rows only; a city user (a department's) on every row; a superuser on everything; an anonymous
user on nothing. A role that works for one subdistrict acts on nothing when its holder is not
bound to one. A private register (``owner_field`` set: each row is one user's request) is its
owner's alone, and the superuser's; to anyone else its rows do not exist.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from .roles import Role, has_role, role_codes
from .texts import names

VIEW = "view"
CHANGE = "change"

# Roles whose holders work for one subdistrict: they act only when bound to it.
SUBDISTRICT_ROLES = frozenset({Role.SUBDISTRICT_STAFF})

ALL = "all"
NOTHING = "nothing"


@dataclass(frozen=True)
class Rule:
    """Who may take an action: holders of ``roles`` (none listed: any signed-in user), within
    the scope rule above."""

    roles: tuple[str, ...] = ()

    def qualifies(self, user) -> bool:
        return not self.roles or has_role(user, *self.roles)

    def scope(self, user):
        """ALL, NOTHING, or the id of the one subdistrict whose rows the user may act on."""
        if not getattr(user, "is_authenticated", False):
            return NOTHING
        if user.is_superuser:
            return ALL
        if not self.qualifies(user):
            return NOTHING
        if user.subdistrict_id is not None:
            return user.subdistrict_id
        if not self.roles:
            return ALL
        return ALL if (set(self.roles) & role_codes(user)) - SUBDISTRICT_ROLES else NOTHING


ANYONE = Rule()


def bound_subdistrict_id(user) -> int | None:
    """The one subdistrict whose rows this user sees, or None for a city-wide reader."""
    scope = ANYONE.scope(user)
    return None if scope in (ALL, NOTHING) else scope


def roles_label(roles) -> str:
    return names(Role(role).label for role in roles)


def roles_refusal(roles) -> str:
    """The reason given to someone who holds none of the roles a step or an action needs."""
    return _("Only these roles may do this: %(roles)s.") % {"roles": roles_label(roles)}


@dataclass(frozen=True)
class Decision:
    """The answer to "may this user do this to this row?", with the reason when not."""

    allowed: bool
    reason: str = ""
    hidden: bool = False  # the row is outside the user's scope: act as if it did not exist
    code: str = ""  # set when the row's state, not the user, is what refuses

    def __bool__(self) -> bool:
        return self.allowed

    def raise_if_refused(self) -> None:
        """404 outside the user's scope, ValidationError for the row's state, else 403."""
        if self.hidden:
            raise Http404(self.reason)
        if self.code:
            raise ValidationError(self.reason, code=self.code)
        if not self.allowed:
            raise PermissionDenied(self.reason)


ALLOWED = Decision(True)


def refused(reason: str) -> Decision:
    return Decision(False, reason)


def row_subdistrict_id(obj, path: str | None):
    """The id of the subdistrict a row belongs to, following ``path`` (None: no subdistrict)."""
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id")


def decide(user, rule: Rule, obj, path: str | None, owner_field: str | None = None) -> Decision:
    """Apply ``rule`` and the scope rule to one row (``path`` leads from it to its Subdistrict;
    ``owner_field``, on a private register, to the user whose row it is)."""
    if not getattr(user, "is_authenticated", False):
        return Decision(False, _("Sign in first."), hidden=True)
    if user.is_superuser:
        return ALLOWED
    if owner_field is not None and getattr(obj, f"{owner_field}_id") != user.pk:
        return Decision(False, _("No such record among your own."), hidden=True)
    read_scope = ANYONE.scope(user)
    owner = row_subdistrict_id(obj, path)
    if path is not None and read_scope not in (ALL, owner):
        return Decision(False, _("No such record in your subdistrict."), hidden=True)
    if not rule.qualifies(user):
        return refused(roles_refusal(rule.roles))
    if rule.scope(user) == NOTHING:
        return refused(_("Only the subdistrict's own staff may change its records."))
    return ALLOWED


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows its model's path to the owning Subdistrict and its access table.

    Subclasses set ``subdistrict_path`` (e.g. ``"community__subdistrict"``; None for a city-wide
    register) and ``rules`` ({action: Rule}; VIEW defaults to any signed-in user); a private
    register also sets ``owner_field``, the user each row belongs to.
    """

    subdistrict_path: str | None = "subdistrict"
    owner_field: str | None = None
    rules: dict[str, Rule] = {}

    @classmethod
    def rule_for(cls, action: str) -> Rule:
        if action in cls.rules:
            return cls.rules[action]
        if action == VIEW:
            return ANYONE
        raise KeyError(f"{cls.__name__} has no rule for {action!r}")

    def restrict(self, user, action: str = VIEW):
        """The rows this user may take ``action`` on."""
        scope = self.rule_for(action).scope(user)
        if scope == NOTHING:
            return self.none()
        rows = self
        if self.owner_field is not None and not user.is_superuser:
            rows = rows.filter(**{self.owner_field: user.pk})
        if scope == ALL or self.subdistrict_path is None:
            return rows
        return rows.filter(**{self.subdistrict_path: scope})


def may(user, action: str, obj) -> Decision:
    """May ``user`` take ``action`` on the row ``obj``? The answer carries the reason."""
    queryset = type(obj)._default_manager.get_queryset()
    return decide(
        user, queryset.rule_for(action), obj, queryset.subdistrict_path, queryset.owner_field
    )


def ensure(user, action: str, obj) -> None:
    """Refuse (404 outside the user's scope, else 403 with the reason) unless ``may``."""
    may(user, action, obj).raise_if_refused()


def ensure_role(user, *roles: str) -> None:
    """Refuse with a reason the page can show unless the user holds one of the roles."""
    if not has_role(user, *roles):
        raise PermissionDenied(roles_refusal(roles))
