"""Notifications: an inbox entry per recipient and its e-mail, both written in the change's
transaction; the e-mail goes out through the outbox after commit."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import outbox
from .choices import EmailState
from .models import Notification
from .texts import Text


def _email_failed(*, notification_id: int, error: str) -> None:
    Notification.objects.filter(pk=notification_id).update(email_state=EmailState.FAILED)


@outbox.job(give_up=_email_failed)
def deliver_notification_email(*, notification_id: int) -> None:
    """Send one notification's e-mail; a mail server that refuses raises, and the outbox tries
    again later."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.email_state == EmailState.SENT:
        return
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notification.link}"
    send_mail(
        notification.subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
    )
    Notification.objects.filter(pk=notification_id).update(
        email_state=EmailState.SENT, email_sent_at=timezone.now()
    )


def notify_users(
    *, recipients, subject: str | Text, body: str | Text = "", link: str = ""
) -> list[Notification]:
    """Give each user an inbox entry, and queue its e-mail where the user has an address.

    Call it inside the transaction of the change it reports: both are written with the change
    and nothing is sent unless the change commits. A ``Text`` subject or body is shown in each
    reader's language in the inbox and sent in the portal's language by e-mail; plain text is
    shown as it is.
    """
    users = {user.pk: user for user in recipients if user is not None}
    if not users:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        subject_shown, body_shown = str(subject), str(body)
    subject_text = subject.as_data() if isinstance(subject, Text) else None
    body_text = body.as_data() if isinstance(body, Text) else None
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            Notification(
                recipient=user,
                subject=subject_shown[:300],
                body=body_shown,
                subject_text=subject_text,
                body_text=body_text,
                link=link,
                email_state=EmailState.PENDING if user.email else EmailState.NONE,
            )
            for _pk, user in sorted(users.items())
        )
        for notification in notifications:
            if notification.email_state == EmailState.PENDING:
                outbox.enqueue(
                    deliver_notification_email,
                    label=_("the notification e-mail"),
                    notification_id=notification.pk,
                )
    return notifications
