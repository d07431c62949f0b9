"""Building a requested disbursement sheet into the private media folder."""

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from .choices import ExportState
from .filtersets import TrancheFilterSet
from .models import DisbursementExport, Tranche
from .sheets import write_disbursement_sheet

logger = logging.getLogger(__name__)
EXPORT_FOLDER = "disbursements"


def export_path(export: DisbursementExport) -> Path:
    """Where an export's file lives: private, never under a public URL."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / EXPORT_FOLDER / export.file_name


def build_export(export_id: int) -> DisbursementExport:
    """Write the sheet of an export row with the requester's scope and filters, recording
    progress on the row as batches are written."""
    export = DisbursementExport.objects.select_related("requested_by").get(pk=export_id)
    rows = DisbursementExport.objects.filter(pk=export.pk)
    scoped = Tranche.objects.restrict(export.requested_by)
    filterset = TrancheFilterSet(export.filters, queryset=scoped)
    tranches = filterset.qs if filterset.is_valid() else scoped.none()
    file_name = f"disbursements-{export.pk}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
    rows.update(state=ExportState.RUNNING, total_rows=tranches.count(), file_name=file_name)
    export.file_name = file_name
    target = export_path(export)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The sheet is an official document: wholly in the portal's language, title included.
        with translation.override(settings.LANGUAGE_CODE):
            written = write_disbursement_sheet(
                tranches,
                target,
                filter_summary=filterset.summary(),
                progress=lambda count: rows.update(rows_written=count),
            )
    except Exception as error:
        logger.exception("disbursement export %s failed", export.pk)
        rows.update(state=ExportState.FAILED, error=str(error), finished_at=timezone.now())
        raise
    rows.update(
        state=ExportState.DONE, rows_written=written, total_rows=written, finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export
