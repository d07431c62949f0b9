"""E-mail notifications, queued only after the transaction that caused them commits."""

from django.db import transaction


def notify_after_commit(*, recipients, subject: str, body: str) -> None:
    """Queue one e-mail to the users' addresses once the current transaction has committed."""
    addresses = sorted({user.email for user in recipients if getattr(user, "email", "")})
    if not addresses:
        return
    from .tasks import send_notification

    transaction.on_commit(
        lambda: send_notification.delay(addresses=addresses, subject=subject, body=body)
    )
