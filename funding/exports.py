"""Building a requested disbursement sheet into the private media folder.

``build_requested`` runs any sheet a user asked for (a ``RequestedExport`` row) the same way:
take it from the queue, write it with progress on the row, record the outcome; the three-year
plan table (``projects.plan_tables``) is written by it too.
"""

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from communities import outbox

from .choices import ExportState
from .filtersets import TrancheFilterSet
from .lifecycles import EXPORT
from .models import DisbursementExport, RequestedExport, Tranche
from .sheets import write_disbursement_sheet

logger = logging.getLogger(__name__)
EXPORT_FOLDER = "disbursements"

# write(export, target, progress, set_total) -> the number of rows written to ``target``.
Writer = Callable[[RequestedExport, Path, Callable[[int], None], Callable[[int], None]], int]


def requested_path(export: RequestedExport, folder: str) -> Path:
    """Where a requested export's file lives: private, never under a public URL."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / folder / export.file_name


def export_path(export: DisbursementExport) -> Path:
    """Where a disbursement sheet's file lives."""
    return requested_path(export, EXPORT_FOLDER)


def build_requested(
    export_id: int, *, lifecycle, folder: str, write: Writer
) -> RequestedExport | None:
    """Write the file of a pending export with ``write``, recording progress on the row as it
    goes; an export already taken is left alone.

    A failure is recorded on the row, where the requester can ask again; it is not retried by
    itself.
    """
    model = lifecycle.model
    with transaction.atomic():
        export = (
            model.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=export_id, state__in=lifecycle.sources("build"))
            .first()
        )
        if export is None:
            return None
        export.state = lifecycle["build"].target
        export.file_name = f"{folder}-{export.pk}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
        export.save(update_fields=["state", "file_name"])
    rows = model.objects.filter(pk=export.pk)
    target = requested_path(export, folder)
    target.parent.mkdir(parents=True, exist_ok=True)

    def progress(count: int) -> None:
        rows.update(rows_written=count)
        outbox.heartbeat()

    def set_total(count: int) -> None:
        rows.update(total_rows=count)

    try:
        # The sheet is an official document: wholly in the portal's language, title included.
        with translation.override(settings.LANGUAGE_CODE):
            written = write(export, target, progress, set_total)
    except Exception as error:  # noqa: BLE001 — any failure must be recorded on the export
        logger.exception("%s %s failed", model._meta.label, export.pk)
        outcome = {"state": ExportState.FAILED, "error": f"{type(error).__name__}: {error}"}
    else:
        outcome = {"state": ExportState.DONE, "rows_written": written, "total_rows": written}
    # A worker the sweeper took for dead leaves the result to the run that replaced it.
    if not outbox.run_is_current():
        return None
    rows.filter(state__in=lifecycle.sources("finish")).update(**outcome, finished_at=timezone.now())
    export.refresh_from_db()
    return export


def requeue_requested(lifecycle, export_id: int) -> None:
    """Put an export whose worker died (or that staff retry) back in the queue."""
    lifecycle.model.objects.filter(pk=export_id, state__in=lifecycle.sources("requeue")).update(
        state=lifecycle["requeue"].target, rows_written=0, error="", finished_at=None
    )


def give_up_requested(lifecycle, export_id: int, error: str) -> None:
    """Record that an export could not be written after the last try; its requester can ask
    again."""
    lifecycle.model.objects.filter(pk=export_id, state__in=lifecycle.sources("give_up")).update(
        state=lifecycle["give_up"].target, error=error, finished_at=timezone.now()
    )


def _write_sheet(export, target, progress, set_total) -> int:
    """The disbursement sheet of the tranches the requester sees, as filtered."""
    scoped = Tranche.objects.restrict(export.requested_by)
    filterset = TrancheFilterSet(export.filters, queryset=scoped)
    tranches = filterset.qs if filterset.is_valid() else scoped.none()
    set_total(tranches.count())
    return write_disbursement_sheet(
        tranches, target, filter_summary=filterset.summary(), progress=progress
    )


def build_export(export_id: int) -> DisbursementExport | None:
    """Write the sheet of a pending export with the requester's scope and filters."""
    return build_requested(export_id, lifecycle=EXPORT, folder=EXPORT_FOLDER, write=_write_sheet)


def export_requeue(*, export_id: int) -> None:
    """Put a disbursement export whose worker died back in the queue."""
    requeue_requested(EXPORT, export_id)


def export_give_up(*, export_id: int, error: str) -> None:
    """Record that a disbursement export could not be written; finance can ask again."""
    give_up_requested(EXPORT, export_id, error)
