"""Celery tasks of the funding app."""

from celery import shared_task

from .exports import build_export


@shared_task
def build_disbursement_export(export_id: int) -> int:
    """Write a requested disbursement sheet; progress and status go on its export row."""
    return build_export(export_id).rows_written
