"""Helpers every transition shares: the audit record, the refusal and the recipients."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from communities.notifications import notify_after_commit
from communities.roles import Role

from ..models import StatusChange


def refuse(message: str, **params) -> None:
    """Refuse a transition with the translated reason."""
    raise ValidationError(message % params, code="illegal_transition")


def record_change(*, actor, from_state: str, to_state: str, comment: str = "", **subject):
    """Write the StatusChange of one transition (subject: ``plan=`` or ``project=``)."""
    return StatusChange.objects.create(
        actor=actor, from_state=from_state, to_state=to_state, comment=comment, **subject
    )


def save_checked(instance, *, actor) -> None:
    """Validate the whole row, record who changed it, save."""
    instance.full_clean()
    instance._history_user = actor
    instance.save()


def role_users(*roles: str):
    """Active users holding one of the roles."""
    return get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct()


def subdistrict_staff(subdistrict_id: int):
    """Active staff of one subdistrict."""
    return role_users(Role.SUBDISTRICT_STAFF).filter(subdistrict_id=subdistrict_id)


def notify(*, recipients, subject: str, body: str) -> None:
    """Queue the e-mail after commit (a thin seam so tests can see what is sent)."""
    notify_after_commit(recipients=list(recipients), subject=subject, body=body)
