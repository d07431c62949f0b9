"""The home page's to-do list, read from the life-cycle tables.

An app says what waits for the user in one of two ways:

- it lists nothing: every life cycle it declares (``<app>/lifecycles.py``) gets one line, the
  rows on which the user has a step to take now (``Lifecycle.actionable``);
- it gives its own lines (``<app>.selectors.worklist_for(user)``), each naming a step of its
  table: ``step_items(user, LIFECYCLE, [StepItem("submit", _("Draft plans to submit"), url,
  state=DRAFT), ...])`` counts the user's rows in the states the table allows that step from,
  only where the user's role may take it, in one query for all the lines.

Either way the states come from the table, so the to-do list cannot disagree with the buttons.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .access import NOTHING, Rule
from .lifecycle import Lifecycle, all_lifecycles


@dataclass(frozen=True)
class WorkItem:
    """A number of records waiting for the user, with where to deal with them."""

    label: str
    count: int
    url: str
    # Past a deadline: the to-do list marks it with a badge that says so, not only a colour.
    overdue: bool = False


def counted(items: list[WorkItem]) -> list[WorkItem]:
    """Only the items that have something waiting."""
    return [item for item in items if item.count]


@dataclass(frozen=True)
class StepItem:
    """One line of an app's to-do list: the rows on which the user may take ``step``, or only
    those of them in ``state`` (one of the step's states) when the line is about one state."""

    step: str
    label: str
    url: str
    state: str | None = None


def step_states(lifecycle: Lifecycle, entry: StepItem) -> tuple[str, ...]:
    """The states a line counts: the step's, from the table, narrowed to its own state."""
    states = lifecycle.sources(entry.step)
    if entry.state is None:
        return states
    if entry.state not in states:
        raise ValueError(
            f"{lifecycle.model_label}: step {entry.step!r} is not taken from {entry.state!r}"
        )
    return (entry.state,)


def step_items(user, lifecycle: Lifecycle, entries: Iterable[StepItem], queryset=None):
    """The lines with something waiting, counted in one query over the user's rows; a line
    whose step the user's role may not take counts nothing."""
    entries = list(entries)
    rows = lifecycle.model._default_manager.all() if queryset is None else queryset
    counts = {}
    for index, entry in enumerate(entries):
        states = step_states(lifecycle, entry)
        if Rule(lifecycle[entry.step].roles).scope(user) != NOTHING:
            condition = Q(**{f"{lifecycle.state_field}__in": states})
            counts[f"n{index}"] = Count("pk", filter=condition)
    found = rows.restrict(user).aggregate(**counts) if counts else {}
    return counted(
        [
            WorkItem(str(entry.label), found.get(f"n{index}") or 0, entry.url)
            for index, entry in enumerate(entries)
        ]
    )


def lifecycle_url(lifecycle: Lifecycle) -> str:
    """Where the rows of a life cycle are listed: the model's admin list."""
    meta = lifecycle.model._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    except NoReverseMatch:
        return ""


def actionable_items(user, lifecycles: Iterable[Lifecycle] | None = None) -> list[WorkItem]:
    """One line per life cycle: how many of its rows wait for a step this user may take."""
    items = []
    for lifecycle in all_lifecycles() if lifecycles is None else lifecycles:
        label = _("%(rows)s waiting for your next step") % {
            "rows": capfirst(lifecycle.model._meta.verbose_name_plural)
        }
        count = lifecycle.actionable(user).count()
        items.append(WorkItem(label, count, lifecycle_url(lifecycle)))
    return counted(items)


def worklist_for(user, app_lists: Iterable[Callable] = ()) -> list[WorkItem]:
    """The whole to-do list: the apps' own lines (``app_lists``: each app's ``worklist_for``),
    then a line for every life cycle of an app that gives none."""
    app_lists = list(app_lists)
    listed = {function.__module__.partition(".")[0] for function in app_lists}
    items = [item for function in app_lists for item in function(user)]
    rest = [
        lifecycle
        for lifecycle in all_lifecycles()
        if lifecycle.model._meta.app_config.name.partition(".")[0] not in listed
    ]
    return items + actionable_items(user, rest)
