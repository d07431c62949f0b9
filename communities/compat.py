"""Checks for callers that still pass a subdistrict's id instead of the row they act on.

Each is ``communities.access.ensure`` on that subdistrict, so the scope rule is the one in
``communities.access``; a caller that has the row calls ``ensure(actor, CHANGE, row)`` instead.
Remove this module with its last caller.
"""

from .access import CHANGE, VIEW, ensure
from .models import Subdistrict


def ensure_in_scope(actor, subdistrict_id: int) -> None:
    """Act as if the row did not exist when it belongs to another subdistrict."""
    ensure(actor, VIEW, Subdistrict(pk=subdistrict_id))


def ensure_subdistrict_writer(actor, subdistrict_id: int) -> None:
    """Only the subdistrict's own staff may change its records."""
    ensure(actor, CHANGE, Subdistrict(pk=subdistrict_id))
