"""The home page's to-do list: each app says what waits for the signed-in user."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkItem:
    """A number of records waiting for the user, with where to deal with them."""

    label: str
    count: int
    url: str


def counted(items: list[WorkItem]) -> list[WorkItem]:
    """Only the items that have something waiting."""
    return [item for item in items if item.count]
