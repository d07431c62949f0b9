"""Role and scope checks that services call before they change anything."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .roles import Role, has_role


def ensure_role(actor, *roles: str) -> None:
    """Refuse with a reason the page can show unless the actor holds one of the roles."""
    if not has_role(actor, *roles):
        labels = ", ".join(str(Role(role).label) for role in roles)
        raise PermissionDenied(_("Only these roles may do this: %(roles)s.") % {"roles": labels})


def ensure_in_scope(actor, subdistrict_id: int) -> None:
    """Act as if the row did not exist when it belongs to another subdistrict."""
    if actor.is_superuser:
        return
    if actor.subdistrict_id is not None and actor.subdistrict_id != subdistrict_id:
        raise Http404(_("No such record in your subdistrict."))


def ensure_subdistrict_writer(actor, subdistrict_id: int) -> None:
    """Only the subdistrict's own staff may change its inventory and plans."""
    ensure_in_scope(actor, subdistrict_id)
    ensure_role(actor, Role.SUBDISTRICT_STAFF)
    if not actor.is_superuser and actor.subdistrict_id != subdistrict_id:
        raise PermissionDenied(_("Only the subdistrict's own staff may change its records."))
