"""Celery tasks of the communities app: running outbox items and the sweeper."""

from celery import shared_task

from . import outbox


@shared_task(name="communities.run_outbox_item", ignore_result=True)
def run_outbox_item(item_id: int) -> bool:
    """Run one outbox item in this worker."""
    outbox.beat("worker")
    return outbox.run(item_id)


@shared_task(name="communities.sweep_outbox", ignore_result=True)
def sweep_outbox(*, scheduled: bool = False) -> dict[str, int]:
    """Send again what the broker or a dead worker dropped; beat runs it every few minutes."""
    outbox.beat("worker")
    if scheduled:
        outbox.beat("beat")
    return outbox.sweep()
