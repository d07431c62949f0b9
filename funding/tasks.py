"""Background work of the funding app: writing requested disbursement sheets."""

from communities import outbox

from .exports import build_export, export_give_up, export_requeue


@outbox.job(requeue=export_requeue, give_up=export_give_up)
def build_disbursement_export(*, export_id: int) -> int:
    """Write a requested disbursement sheet (an outbox job); progress goes on its export row."""
    export = build_export(export_id)
    return export.rows_written if export else 0
