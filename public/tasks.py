"""Celery tasks of the public window."""

from celery import shared_task

from . import services


@shared_task(name="public.tasks.erase_expired_phones", ignore_result=True)
def erase_expired_phones() -> int:
    """Erase residents' phone numbers past the retention period; beat runs it daily."""
    return services.suggestion_erase_expired_phones()
