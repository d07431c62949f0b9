"""Helpers every transition shares: the audit record, the refusal and the notification."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communities.notifications import notify_users

from ..models import StatusChange


def refuse(message: str, **params) -> None:
    """Refuse a transition with the translated reason."""
    raise ValidationError(message % params, code="illegal_transition")


def record_change(
    *,
    actor,
    from_state: str,
    to_state: str,
    comment: str = "",
    comment_code: str = "",
    comment_params: dict | None = None,
    **subject,
):
    """Write the StatusChange of one transition (subject: ``plan=`` or ``project=``); a comment
    the system writes goes in as ``comment_code`` and ``comment_params`` (projects.history)."""
    return StatusChange.objects.create(
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        comment_code=comment_code,
        comment_params=comment_params or {},
        **subject,
    )


def save_checked(instance, *, actor) -> None:
    """Validate the whole row, record who changed it, save."""
    instance.full_clean()
    instance._history_user = actor
    instance.save()


def notify(*, recipients, subject: str, body: str, link: str = "") -> None:
    """Write the inbox entries and queue their e-mails (a thin seam so tests can see what is
    sent)."""
    notify_users(recipients=list(recipients), subject=subject, body=body, link=link)


def portal_language():
    """Write e-mails in the portal's language, whichever language the actor's page was in."""
    return translation.override(settings.LANGUAGE_CODE)


def check_day(
    field: str, day: datetime.date | None, *, not_before: datetime.date | None = None, what=""
) -> None:
    """A reported day is given, not in the future, and not before the step it follows."""
    if day is None:
        raise ValidationError({field: _("Give the date.")})
    if day > timezone.localdate():
        raise ValidationError(
            {field: _("The date %(day)s is in the future.") % {"day": day.isoformat()}}
        )
    if not_before is not None and day < not_before:
        raise ValidationError(
            {
                field: _("The date %(day)s is before %(what)s (%(before)s).")
                % {"day": day.isoformat(), "what": what, "before": not_before.isoformat()}
            }
        )
