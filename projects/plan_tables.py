"""The three-year creation plan table of the projects a user sees, as filtered: written in the
request while it is small, by a background job (with progress on a ``PlanTableExport``) once it
has more than ``PLAN_TABLE_DIRECT_ROWS`` rows."""

from types import SimpleNamespace

from funding.exports import build_requested, give_up_requested, requested_path, requeue_requested

from .export import three_year_plan_workbook
from .filtersets import FutureProjectFilterSet
from .lifecycles import PLAN_TABLE
from .models import FutureCommunityProject, PlanTableExport

FOLDER = "plan-tables"


def plan_table_filterset(user, data) -> FutureProjectFilterSet:
    """The list's filters over the projects the user sees, with what the table reads per row."""
    projects = (
        FutureCommunityProject.objects.restrict(user)
        .select_related("community__subdistrict")
        .prefetch_related("scenarios")
    )
    # The filters offer the user's own subdistricts, as on the list page.
    return FutureProjectFilterSet(data, queryset=projects, request=SimpleNamespace(user=user))


def plan_table_path(export: PlanTableExport):
    """Where a written table lives: private, served only to its requester."""
    return requested_path(export, FOLDER)


def _write_table(export, target, progress, set_total) -> int:
    projects = list(plan_table_filterset(export.requested_by, export.filters).qs)
    set_total(len(projects))
    target.write_bytes(three_year_plan_workbook(projects, progress=progress))
    return len(projects)


def build_export(export_id: int) -> PlanTableExport | None:
    """Write the table of a pending export with its requester's scope and filters."""
    return build_requested(export_id, lifecycle=PLAN_TABLE, folder=FOLDER, write=_write_table)


def export_requeue(*, export_id: int) -> None:
    """Put a plan table whose worker died back in the queue."""
    requeue_requested(PLAN_TABLE, export_id)


def export_give_up(*, export_id: int, error: str) -> None:
    """Record that a plan table could not be written; its requester can ask again."""
    give_up_requested(PLAN_TABLE, export_id, error)
