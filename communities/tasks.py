"""Celery tasks of the communities app."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(*, addresses: list[str], subject: str, body: str) -> int:
    """Send one notification e-mail; retried when the mail server is unreachable."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
