"""Background work of the projects app: writing requested three-year plan tables."""

from communities import outbox

from .plan_tables import build_export, export_give_up, export_requeue


@outbox.job(requeue=export_requeue, give_up=export_give_up)
def build_plan_table_export(*, export_id: int) -> int:
    """Write a requested three-year plan table (an outbox job); progress goes on its row."""
    export = build_export(export_id)
    return export.rows_written if export else 0
