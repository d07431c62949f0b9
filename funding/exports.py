"""Building a requested disbursement sheet into the private media folder."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from communities import outbox

from .choices import ExportState
from .filtersets import TrancheFilterSet
from .lifecycles import EXPORT
from .models import DisbursementExport, Tranche
from .sheets import write_disbursement_sheet

logger = logging.getLogger(__name__)
EXPORT_FOLDER = "disbursements"


def export_path(export: DisbursementExport) -> Path:
    """Where an export's file lives: private, never under a public URL."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / EXPORT_FOLDER / export.file_name


def build_export(export_id: int) -> DisbursementExport | None:
    """Write the sheet of a pending export with the requester's scope and filters, recording
    progress on the row as batches are written; an export already taken is left alone.

    A failure is recorded on the row, where finance can ask again; it is not retried by itself.
    """
    with transaction.atomic():
        export = (
            DisbursementExport.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=export_id, state__in=EXPORT.sources("build"))
            .first()
        )
        if export is None:
            return None
        export.state = EXPORT["build"].target
        export.file_name = f"disbursements-{export.pk}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
        export.save(update_fields=["state", "file_name"])
    rows = DisbursementExport.objects.filter(pk=export.pk)
    scoped = Tranche.objects.restrict(export.requested_by)
    filterset = TrancheFilterSet(export.filters, queryset=scoped)
    tranches = filterset.qs if filterset.is_valid() else scoped.none()
    rows.update(total_rows=tranches.count())
    target = export_path(export)
    target.parent.mkdir(parents=True, exist_ok=True)

    def progress(count: int) -> None:
        rows.update(rows_written=count)
        outbox.heartbeat()

    try:
        # The sheet is an official document: wholly in the portal's language, title included.
        with translation.override(settings.LANGUAGE_CODE):
            written = write_disbursement_sheet(
                tranches, target, filter_summary=filterset.summary(), progress=progress
            )
    except Exception as error:  # noqa: BLE001 — any failure must be recorded on the export
        logger.exception("disbursement export %s failed", export.pk)
        outcome = {"state": ExportState.FAILED, "error": f"{type(error).__name__}: {error}"}
    else:
        outcome = {"state": ExportState.DONE, "rows_written": written, "total_rows": written}
    # A worker the sweeper took for dead leaves the result to the run that replaced it.
    if not outbox.run_is_current():
        return None
    rows.filter(state__in=EXPORT.sources("finish")).update(**outcome, finished_at=timezone.now())
    export.refresh_from_db()
    return export


def export_requeue(*, export_id: int) -> None:
    """Put an export whose worker died (or that staff retry) back in the queue."""
    DisbursementExport.objects.filter(pk=export_id, state__in=EXPORT.sources("requeue")).update(
        state=EXPORT["requeue"].target, rows_written=0, error="", finished_at=None
    )


def export_give_up(*, export_id: int, error: str) -> None:
    """Record that an export could not be written after the last try; finance can ask again."""
    DisbursementExport.objects.filter(pk=export_id, state__in=EXPORT.sources("give_up")).update(
        state=EXPORT["give_up"].target, error=error, finished_at=timezone.now()
    )
