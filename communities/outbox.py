"""The outbox: what must follow a committed change (an e-mail, a report, an export).

An item is written in the same transaction as the change it follows and handed to Celery after
commit. When the broker is down at that moment, the change still stands and the item waits; the
sweeper (Celery beat, every few minutes) sends again what was never sent, what the broker lost
and what a dead worker left running, with back-off, and gives up after the last try, recording
the error where a user can retry it.

A job is a plain function declared with ``@outbox.job``; Celery only carries the item's id, and
``run`` calls the function with the item's arguments.
"""

import contextvars
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules, import_string

from .choices import OutboxState
from .models import Heartbeat, OutboxItem

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobHooks:
    """What to do with a job's own record when its worker died, and when the tries are spent."""

    requeue: Callable[..., None] | None = None
    give_up: Callable[..., None] | None = None


_JOBS: dict[str, JobHooks] = {}

# The outbox item the current worker thread runs, as (id, attempt), for heartbeats and fencing.
_current_run: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "outbox_current_run", default=None
)
# Labels of the items this request could not hand to the broker, for the page's message.
_queued_in_request: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "outbox_queued_in_request", default=None
)


def job(*, requeue: Callable | None = None, give_up: Callable | None = None):
    """Declare a function as an outbox job.

    ``requeue(**arguments)`` puts the job's own record back in the queue after a dead worker;
    ``give_up(**arguments, error=...)`` records the failure on it once no try is left.
    """

    def register(function):
        _JOBS[job_path(function)] = JobHooks(requeue=requeue, give_up=give_up)
        return function

    return register


def job_path(function: Callable) -> str:
    """The dotted path under which a job is stored and found again."""
    return f"{function.__module__}.{function.__qualname__}"


def _hooks(path: str) -> JobHooks:
    if path not in _JOBS:
        autodiscover_modules("tasks")
        import_string(path)
    return _JOBS.get(path, JobHooks())


def enqueue(function: Callable, *, label="", **arguments) -> OutboxItem:
    """Write an outbox item in the current transaction; it goes to the worker after commit.

    ``label`` may be a lazy translation: the page's message shows it in the reader's language.
    """
    path = job_path(function)
    if path not in _JOBS:
        raise ValueError(f"{path} is not declared with @outbox.job")
    with transaction.atomic():
        item = OutboxItem.objects.create(
            job=path,
            arguments=arguments,
            label=_portal_text(label)[:200],
            available_at=timezone.now(),
        )
        transaction.on_commit(lambda: dispatch(item.pk, label=label))
    return item


def _portal_text(label) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def dispatch(item_id: int, *, label="") -> bool:
    """Hand one item to the broker. When the broker cannot be reached the item stays pending
    for the sweeper, and the request's page is told it is queued; nothing is raised."""
    from .tasks import run_outbox_item

    # Marked sent first: a worker (or, without a broker, this very call) may run it at once.
    if not OutboxItem.objects.filter(pk=item_id, state=OutboxState.PENDING).update(
        state=OutboxState.SENT, sent_at=timezone.now()
    ):
        return False
    try:
        run_outbox_item.apply_async(args=[item_id], retry=False)
    except Exception as error:  # noqa: BLE001 — any broker failure leaves the item to the sweeper
        logger.warning("outbox item %s not sent: %s", item_id, error)
        _record_failed_try(item_id, error, from_states=[OutboxState.SENT])
        queued = _queued_in_request.get()
        if queued is not None and label:
            queued.append(label)
        return False
    return True


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed tries: doubling, capped."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS)
    )


def _error_text(error) -> str:
    return error if isinstance(error, str) else f"{type(error).__name__}: {error}"


def _record_failed_try(
    item_id: int, error, *, from_states, attempt: int | None = None, count_try: bool = True
) -> None:
    """Count a failed try: wait with back-off for the next one, or give up after the last."""
    with transaction.atomic():
        items = OutboxItem.objects.select_for_update().filter(pk=item_id, state__in=from_states)
        if attempt is not None:
            items = items.filter(attempts=attempt)
        item = items.first()
        if item is None:
            return
        if count_try:
            item.attempts += 1
        item.last_error = _error_text(error)[:4000]
        if item.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _give_up(item)
            return
        item.state = OutboxState.PENDING
        item.available_at = timezone.now() + backoff(item.attempts)
        item.save(update_fields=["attempts", "last_error", "state", "available_at"])


def _give_up(item: OutboxItem) -> None:
    """Record the item as failed and tell its job's own record, inside the caller's transaction."""
    item.state = OutboxState.FAILED
    item.finished_at = timezone.now()
    item.save(update_fields=["attempts", "last_error", "state", "finished_at"])
    hook = _hooks(item.job).give_up
    if hook is not None:
        hook(**item.arguments, error=item.last_error)


def run(item_id: int) -> bool:
    """Run one item in this worker, unless it is already running or finished (a message sent
    twice runs once). Returns whether the job ran to its end."""
    with transaction.atomic():
        item = (
            OutboxItem.objects.select_for_update()
            .filter(pk=item_id, state__in=[OutboxState.PENDING, OutboxState.SENT])
            .first()
        )
        if item is None:
            return False
        now = timezone.now()
        item.state = OutboxState.RUNNING
        item.attempts += 1
        item.started_at = item.heartbeat_at = now
        item.save(update_fields=["state", "attempts", "started_at", "heartbeat_at"])
    token = _current_run.set((item.pk, item.attempts))
    try:
        import_string(item.job)(**item.arguments)
    except Exception as error:  # noqa: BLE001 — recorded on the item and tried again later
        logger.exception("outbox item %s (%s) failed", item.pk, item.job)
        _record_failed_try(
            item.pk,
            error,
            from_states=[OutboxState.RUNNING],
            attempt=item.attempts,
            count_try=False,
        )
        return False
    finally:
        _current_run.reset(token)
    OutboxItem.objects.filter(pk=item.pk, attempts=item.attempts, state=OutboxState.RUNNING).update(
        state=OutboxState.DONE, finished_at=timezone.now(), last_error=""
    )
    return True


def heartbeat() -> None:
    """Tell the sweeper that the job this worker runs is alive (long jobs call it as they go)."""
    current = _current_run.get()
    if current is not None:
        OutboxItem.objects.filter(
            pk=current[0], attempts=current[1], state=OutboxState.RUNNING
        ).update(heartbeat_at=timezone.now())


def run_is_current() -> bool:
    """Whether the run this worker does is still the live one: False once the sweeper gave its
    item to another worker, so a late worker does not overwrite the newer run's result."""
    current = _current_run.get()
    if current is None:
        return True
    return OutboxItem.objects.filter(
        pk=current[0], attempts=current[1], state=OutboxState.RUNNING
    ).exists()


def sweep() -> dict[str, int]:
    """Send again what was never sent or was lost, re-queue what a dead worker left running,
    give up after the last try. Returns how many items each step touched."""
    now = timezone.now()
    counts = {"requeued": 0, "lost": 0, "sent": 0, "failed_to_send": 0}
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    for item_id in OutboxItem.objects.filter(
        state=OutboxState.RUNNING, heartbeat_at__lt=stale
    ).values_list("pk", flat=True):
        if _requeue_dead(item_id, stale):
            counts["requeued"] += 1
    lost = now - timedelta(seconds=settings.OUTBOX_SENT_TIMEOUT_SECONDS)
    for item_id in OutboxItem.objects.filter(state=OutboxState.SENT, sent_at__lt=lost).values_list(
        "pk", flat=True
    ):
        _record_failed_try(
            item_id,
            "no worker took the item within the time limit",
            from_states=[OutboxState.SENT],
        )
        counts["lost"] += 1
    due = OutboxItem.objects.filter(state=OutboxState.PENDING, available_at__lte=timezone.now())
    for item_id in due.order_by("available_at", "pk").values_list("pk", flat=True)[
        : settings.OUTBOX_SWEEP_BATCH
    ]:
        counts["sent" if dispatch(item_id) else "failed_to_send"] += 1
    return counts


def _requeue_dead(item_id: int, stale) -> bool:
    """A running item whose heartbeat stopped: put it and its record back in the queue, or give
    up when no try is left."""
    with transaction.atomic():
        item = (
            OutboxItem.objects.select_for_update()
            .filter(pk=item_id, state=OutboxState.RUNNING, heartbeat_at__lt=stale)
            .first()
        )
        if item is None:
            return False
        since = timezone.localtime(item.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S")
        item.last_error = f"the worker stopped answering (no heartbeat since {since})"
        if item.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _give_up(item)
            return True
        hook = _hooks(item.job).requeue
        if hook is not None:
            hook(**item.arguments)
        item.state = OutboxState.PENDING
        item.available_at = timezone.now()
        item.save(update_fields=["last_error", "state", "available_at"])
    return True


def retry(*, item: OutboxItem) -> None:
    """Try a failed item again from the start (staff, from the admin); its record is re-queued."""
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().get(pk=item.pk)
        if item.state != OutboxState.FAILED:
            return
        hook = _hooks(item.job).requeue
        if hook is not None:
            hook(**item.arguments)
        item.state = OutboxState.PENDING
        item.attempts = 0
        item.available_at = timezone.now()
        item.finished_at = None
        item.save(update_fields=["state", "attempts", "available_at", "finished_at"])
        transaction.on_commit(lambda: dispatch(item.pk))


def beat(name: str) -> None:
    """Record that a background process ("worker", "beat") is alive now."""
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


class QueuedMessageMiddleware:
    """After a request whose outbox items could not reach the broker, tell the user that the
    action stands and what follows is queued (the items wait for the sweeper)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _queued_in_request.set([])
        try:
            response = self.get_response(request)
            queued = _queued_in_request.get()
        finally:
            _queued_in_request.reset(token)
        if queued and hasattr(request, "_messages"):
            from django.contrib import messages
            from django.utils.translation import gettext as _

            what = _("; ").join(dict.fromkeys(str(label) for label in queued))
            messages.warning(
                request,
                _("Saved. Queued, it starts when the worker is reachable: %(what)s.")
                % {"what": what},
            )
        return response
