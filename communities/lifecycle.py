"""Life cycles declared once: each step's from-states, to-state, roles, form and service.

An app's ``lifecycles.py`` declares one :class:`Lifecycle` per model that has a state. A
service locks its row and calls ``LIFECYCLE.check(actor, "step", row)`` before it changes
anything; the page and admin buttons, the "next step" line, the to-do list and the API actions
are all read from the same table, so no other place lists which state allows which step.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules, import_string
from django.utils.translation import gettext as _

from .access import ALLOWED, NOTHING, Decision, Rule, decide, roles_label
from .texts import names

PAGE = "page"  # a button on the portal's own page of the row
ADMIN = "admin"  # a button on the row's admin page
SYSTEM = "system"  # taken by the portal itself when something else happens; no button
PAGE_AND_ADMIN = "page_and_admin"  # a button on the row's page and on its admin page alike

ILLEGAL = "illegal_transition"

_REGISTRY: list["Lifecycle"] = []


def all_lifecycles() -> list["Lifecycle"]:
    """Every life cycle the installed apps declare in their ``lifecycles`` modules."""
    autodiscover_modules("lifecycles")
    return list(_REGISTRY)


@dataclass(frozen=True)
class Step:
    """One step of a life cycle.

    ``sources``: the states it may be taken from. ``target``: the state it leads to (None when
    the row stays in its state or the service decides between several). ``roles``: who may take
    it, within the subdistrict scope rule of ``communities.access``. ``service``: the dotted path
    of the function called as ``service(actor=user, <subject>=row, **form data)``. ``form``: the
    dotted path of the form the step needs (empty: a plain button). ``condition``: an extra
    check ``(user, row) -> reason or ""`` for what roles and states cannot say about the user;
    ``requires``: one ``(row) -> reason or ""`` about the row alone, which the "next step" line
    shows as what the step still waits for. ``aside``: a step off the row's way forward
    (withdraw, return, attachments), left out of that line.
    """

    name: str
    title: Promise | str
    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    service: str
    form: str = ""
    where: str = PAGE
    refusal: Promise | str = ""
    done: Promise | str = ""
    condition: Callable | None = field(default=None, compare=False)
    requires: Callable | None = field(default=None, compare=False)
    aside: bool = False

    def shown_on(self, where: str) -> bool:
        """Is the step's button on ``where`` (PAGE, ADMIN or SYSTEM)?"""
        return self.where == where or (self.where == PAGE_AND_ADMIN and where in (PAGE, ADMIN))


class Lifecycle:
    """The steps of one model's life cycle, keyed by name, in the order their buttons show."""

    def __init__(
        self,
        *,
        model: str,
        subject: str,
        states,
        steps: Iterable[Step],
        state_field: str = "state",
    ):
        self.model_label = model
        self.subject = subject
        self.states = states
        self.state_field = state_field
        self.steps = {step.name: step for step in steps}
        for step in self.steps.values():
            unknown = (set(step.sources) | {step.target} - {None}) - set(states.values)
            if unknown:
                raise ValueError(f"{model} step {step.name!r} names unknown states {unknown}")
        _REGISTRY.append(self)

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    def __contains__(self, name: str) -> bool:
        return name in self.steps

    def __iter__(self):
        return iter(self.steps.values())

    @cached_property
    def model(self):
        return apps.get_model(self.model_label)

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def state_label(self, state: str) -> str:
        return str(self.states(state).label)

    def sources(self, name: str) -> tuple[str, ...]:
        """The states step ``name`` may be taken from."""
        return self.steps[name].sources

    def steps_from(self, state: str, *, where: str | None = None) -> list[Step]:
        """The steps that may follow ``state`` (all of them, or those shown ``where``)."""
        return [
            step
            for step in self.steps.values()
            if state in step.sources and (where is None or step.shown_on(where))
        ]

    def decide(self, user, name: str, obj) -> Decision:
        """May ``user`` take step ``name`` on ``obj`` now? Scope first, then role, then state."""
        step = self.steps[name]
        queryset = self.model._default_manager.get_queryset()
        decision = decide(
            user,
            Rule(step.roles),
            obj,
            queryset.subdistrict_path,
            getattr(queryset, "owner_field", None),
        )
        if not decision:
            return decision
        state = self.state_of(obj)
        if state not in step.sources:
            reason = step.refusal or _("This step cannot be taken while it is %(state)s.")
            return Decision(False, str(reason) % {"state": self.state_label(state)}, code=ILLEGAL)
        for check in (step.condition and partial(step.condition, user), step.requires):
            reason = check(obj) if check else ""
            if reason:
                return Decision(False, str(reason), code=ILLEGAL)
        return ALLOWED

    def check(self, user, name: str, obj) -> None:
        """Refuse step ``name`` unless ``decide`` allows it: 404 outside the user's scope,
        PermissionDenied for the wrong role, ValidationError (code ``illegal_transition``) for
        the wrong state."""
        self.decide(user, name, obj).raise_if_refused()

    def next_line(self, obj, *, waiting: bool = True) -> str:
        """Whose move it is now, read from the table: the roles and the steps on the row's way
        forward from its state, each with what it still waits for (unless ``waiting`` is
        False, for a page that shows that itself)."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for step in self.steps_from(self.state_of(obj)):
            if step.where == SYSTEM or step.aside:
                continue
            reason = step.requires(obj) if step.requires and waiting else ""
            title = str(step.title)
            if reason:
                title = _("%(step)s (waiting: %(reason)s)") % {
                    "step": title,
                    "reason": str(reason).rstrip(".。"),
                }
            groups.setdefault(step.roles, []).append(title)
        if not groups:
            return _("Nothing more to do (%(state)s).") % {
                "state": self.state_label(self.state_of(obj))
            }
        return " ".join(
            _("%(roles)s: %(steps)s.") % {"roles": roles_label(roles), "steps": names(steps)}
            for roles, steps in groups.items()
        )

    def available(self, user, obj, *, where: str | None = None) -> list[Step]:
        """The steps this user may take on ``obj`` now, in table order."""
        return [
            step
            for step in self.steps_from(self.state_of(obj), where=where)
            if self.decide(user, step.name, obj)
        ]

    def actionable(self, user, queryset=None):
        """The rows on which this user has a step to take now (the to-do list)."""
        queryset = self.model._default_manager.all() if queryset is None else queryset
        states = set()
        for step in self.steps.values():
            if step.where != SYSTEM and Rule(step.roles).scope(user) != NOTHING:
                states |= set(step.sources)
        if not states:
            return queryset.none()
        return queryset.restrict(user).filter(**{f"{self.state_field}__in": sorted(states)})

    def service(self, name: str) -> Callable:
        return import_string(self.steps[name].service)

    def form_class(self, name: str):
        form = self.steps[name].form
        return import_string(form) if form else None

    def run(self, user, name: str, obj, data: dict | None = None):
        """Take step ``name`` through its service, with the form's cleaned data."""
        return self.service(name)(actor=user, **{self.subject: obj}, **(data or {}))
