"""Big jobs measured in-process (not a test): each runs in its own Python process so its peak
RSS (getrusage) is its own; tracemalloc gives the Python heap's peak beside it.

    python -m tests.benchmarks.bigjobs            # every job, one process each, JSON lines
    python -m tests.benchmarks.bigjobs --job sheet
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

JOBS = ["sheet", "bare_openpyxl", "supervision", "three_year", "register_import", "dashboard"]


def job_sheet(folder: Path) -> dict:
    from funding.models import Tranche
    from funding.sheets import write_disbursement_sheet

    target = folder / "sheet.xlsx"
    rows = write_disbursement_sheet(Tranche.objects.all(), target, filter_summary="benchmark")
    return {"rows": rows, "bytes": target.stat().st_size}


def job_bare_openpyxl(folder: Path) -> dict:
    """The sheet's rows, the same 17 values of the same types each, straight from the database
    (the fields the sheet reads, in its order) into a write-only workbook: what openpyxl costs
    without the sheet's styles, row heights, text-safe check, totals and summary. What each plan
    and project has been paid to date is read first, in one grouped query each."""
    from django.db.models import Sum
    from django.utils.translation import gettext
    from openpyxl import Workbook

    from funding.choices import PolicyRoute, TrancheStage, TrancheState
    from funding.models import Tranche
    from funding.money import HUNDRED, ZERO
    from funding.sheets import ROW_FIELDS

    def paid_per(field):
        paid = Tranche.objects.filter(state=TrancheState.PAID).exclude(**{field: None})
        return dict(paid.order_by().values_list(field).annotate(Sum("amount")))

    plan_paid, project_paid = paid_per("plan_id"), paid_per("project_id")
    states = {value: str(label) for value, label in TrancheState.choices}
    stages = {value: str(label) for value, label in TrancheStage.choices}
    gap, future = str(PolicyRoute.GAP.label), str(PolicyRoute.FUTURE.label)
    voucher = gettext("voucher %(number)s")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("tranches")
    rows = 0
    for (
        _pk,
        plan_id,
        project_id,
        subdistrict,
        title,
        plan_community,
        approval_number,
        acceptance_date,
        project_community,
        investment,
        policy_fee,
        base,
        rate,
        subsidy_total,
        stage,
        amount,
        state,
        voucher_number,
        note,
    ) in Tranche.objects.order_by("pk").values_list(*ROW_FIELDS).iterator(chunk_size=2000):
        rows += 1
        remarks = [states[state]]
        if voucher_number:
            remarks.append(voucher % {"number": voucher_number})
        if note:
            remarks.append(note)
        if plan_id is not None:
            paid = plan_paid.get(plan_id, ZERO)
            community, subject, route = plan_community, title, gap
        else:
            paid = project_paid.get(project_id, ZERO)
            community = subject = project_community
            route, approval_number, acceptance_date = future, "", None
        sheet.append(
            [
                rows,
                subdistrict,
                community,
                subject,
                route,
                None if investment in (None, "") else Decimal(investment),
                None if policy_fee in (None, "") else Decimal(policy_fee),
                base,
                None if rate is None else rate / HUNDRED,
                subsidy_total,
                stages[stage],
                amount,
                paid,
                subsidy_total - paid,
                approval_number,
                acceptance_date,
                "；".join(remarks),
            ]
        )
    target = folder / "bare.xlsx"
    book.save(target)
    return {"rows": rows, "bytes": target.stat().st_size}


def job_supervision(folder: Path) -> dict:
    from operations.report import build_report
    from operations.workbook import report_workbook

    summary = build_report(period="2026-11")
    content = report_workbook(summary)
    return {"sections": len(summary.get("sections", [])), "bytes": len(content)}


def job_three_year(folder: Path) -> dict:
    """Every project's three-year plan table as its background job writes it: read through the
    requester's filters (a superuser's, none set), progress reported as the rows are written."""
    from communities.models import User
    from projects.export import three_year_plan_workbook
    from projects.plan_tables import plan_table_filterset

    # Unsaved: the scope reads only that the requester is a superuser.
    requester = User(username="benchmark", is_superuser=True)
    projects = list(plan_table_filterset(requester, {}).qs)
    reports = []
    content = three_year_plan_workbook(projects, progress=reports.append)
    (folder / "three-year.xlsx").write_bytes(content)
    return {"rows": len(projects), "progress_reports": len(reports), "bytes": len(content)}


def job_register_import(folder: Path) -> dict:
    """5,600 rows written into the register template, then imported as the upload view imports
    them (read, check, save, history, reassessment), in a transaction rolled back at the end."""
    from io import BytesIO
    from time import perf_counter

    from django.db import transaction
    from openpyxl import load_workbook

    from communities.models import Community, User
    from communities.register import COLUMNS, template_workbook
    from communities.services import community_register_import

    book = load_workbook(BytesIO(template_workbook()))
    sheet = book.worksheets[0]
    fields = [name for name, _h, _k in COLUMNS]
    communities = Community.objects.select_related("subdistrict").order_by("pk")[:5600]
    for number, community in enumerate(communities):
        row = []
        for name in fields:
            value = getattr(community, name)
            row.append(community.subdistrict.name if name == "subdistrict" else value)
        if number % 2:
            # Every other row changes, in every column it can, so the import both updates (the
            # dearest way: every column of the UPDATE a CASE) and leaves rows alone.
            row[fields.index("name")] = f"{community.name}·"
            row[fields.index("population")] = (community.population or 0) + 1
            row[fields.index("households")] = (community.households or 0) + 1
            row[fields.index("area_hectares")] = (community.area_hectares or 0) + 1
            row[fields.index("assessment_score")] = 50 if community.assessment_score != 50 else 51
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    actor = User.objects.get(username="taskforce_approver")
    started = perf_counter()
    with transaction.atomic():
        result = community_register_import(actor=actor, file=buffer)
        transaction.set_rollback(True)
    return {
        "rows_in_file": sheet.max_row - 1,
        "import_seconds": round(perf_counter() - started, 2),
        **result,
        "bytes": len(buffer.getvalue()),
    }


def job_dashboard(folder: Path) -> dict:
    from communities.models import User
    from dashboard.selectors import Filters, dashboard

    user = User.objects.get(username="supervisor")
    data = dashboard(user, Filters(), city_wide=True)
    return {"figures": len(data["figures"])}


def run_one(name: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cixi_portal.settings.bench")
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.utils import translation

    translation.activate("zh-hans")
    queries = 0

    def counting(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    reset_queries()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder, connection.execute_wrapper(counting):
        started, cpu_started = time.perf_counter(), time.process_time()
        outcome = globals()[f"job_{name}"](Path(folder))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "job": name,
        "seconds": round(elapsed, 2),
        # This process's own CPU time (the database's is not in it): steadier than the wall
        # clock on a shared machine.
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mib": round(rss_after, 1),
        "rss_growth_mib": round(rss_after - rss_before, 1),
        "queries": queries,
        **outcome,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--job", choices=JOBS)
    parser.add_argument("--trace", action="store_true", help="also tracemalloc's peak (slower)")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if args.job:
        if args.trace:
            tracemalloc.start()
        result = run_one(args.job)
        if args.trace:
            result["python_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        return
    results = []
    for job in JOBS:
        done = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bigjobs", "--job", job],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            result = {"job": job, "error": done.stderr.strip().splitlines()[-1:]}
        else:
            result = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
