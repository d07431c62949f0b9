"""The home page's to-do list: each app says what waits for the signed-in user."""

from dataclasses import dataclass


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
