"""Benchmark of the disbursement-sheet export (not a test; pytest does not collect it).

    .venv/bin/python -m tests.benchmarks.export_disbursements --rows 50000

Builds a throw-away SQLite database in a temporary folder (or uses DATABASE_URL with
--use-database-url), fills it with that many tranches and writes the sheet twice: once to time
it and to report the process's peak memory, once under tracemalloc to print the Python memory
after every batch, so one can see that it stays flat.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path


def main() -> None:
    """Prepare the data, export it, print time and memory; the temporary folder is removed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--use-database-url", action="store_true")
    parser.add_argument("--skip-memory-trace", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="disbursement-bench-") as folder:
        run(args, Path(folder))


def run(args, workdir: Path) -> None:
    """One benchmark run inside ``workdir``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cixi_portal.settings.test")
    if not args.use_database_url:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    fill(args.rows)
    print(f"prepared {args.rows} tranches in {time.perf_counter() - started:.1f} s")

    from funding.models import Tranche
    from funding.sheets import write_disbursement_sheet

    target = workdir / "disbursements.xlsx"

    def export(progress=None) -> int:
        return write_disbursement_sheet(
            Tranche.objects.all(),
            target,
            filter_summary="benchmark",
            progress=progress,
            batch_size=args.batch_size,
        )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    written = export()
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows written:        {written}")
    print(f"time:                {elapsed:.1f} s (untraced run)")
    print(f"peak process RSS:    {rss_after:.1f} MiB (was {rss_before:.1f} MiB before the export)")
    print(f"file size:           {target.stat().st_size / 2**20:.1f} MiB")
    if args.skip_memory_trace:
        return
    print("second run under tracemalloc (slower), Python memory after each batch:")
    tracemalloc.start()

    def progress(count: int) -> None:
        current, peak = tracemalloc.get_traced_memory()
        print(f"  {count:>7} rows  now {current / 2**20:6.1f} MiB  peak {peak / 2**20:6.1f} MiB")

    export(progress)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory:  {peak / 2**20:.1f} MiB (tracemalloc, during the export)")


def fill(rows: int) -> None:
    """Subdistricts, communities, one plan and one tranche per row, in bulk."""
    from communities.models import Community, Subdistrict, User
    from funding.models import SubsidyPolicy, Tranche
    from projects.models import GapFillingPlan

    subdistricts = [
        Subdistrict.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("hushan", "浒山"), ("gutang", "古塘"), ("baishalu", "白沙路")]
    ]
    communities = [
        Community.objects.create(
            subdistrict=subdistricts[index % 3],
            code=f"bench-{index:02d}",
            name=f"测试社区{index}",
            route="gap",
            plan_year=2024,
            population=8000,
            households=3000,
        )
        for index in range(30)
    ]
    user = User.objects.create(username="bench", subdistrict=subdistricts[0])
    policy = SubsidyPolicy.objects.get(code="gap-filling")
    chunk = 5000
    for start in range(0, rows, chunk):
        count = min(chunk, rows - start)
        plans = GapFillingPlan.objects.bulk_create(
            GapFillingPlan(
                subdistrict_id=communities[(start + i) % 30].subdistrict_id,
                community=communities[(start + i) % 30],
                year=2024,
                title=f"补短板建设方案 {start + i}",
                total_investment=Decimal("1260000.00"),
                policy_fee=Decimal("60000.00"),
                state="accepted",
                approval_number=f"慈补批〔2024〕{start + i}号",
                created_by=user,
            )
            for i in range(count)
        )
        Tranche.objects.bulk_create(
            Tranche(
                plan=plan,
                subdistrict_id=plan.subdistrict_id,
                stage="gap_after_acceptance",
                amount=Decimal("600000.00"),
                subsidy_total=Decimal("600000.00"),
                base=Decimal("1200000.00"),
                rate=Decimal("50"),
                state="due",
                fiscal_year=2024,
                due_on=date(2024, 6, 1),
                policy=policy,
                policy_version="gap-filling v1",
                inputs={"investment": "1260000.00", "policy_fee": "60000.00"},
            )
            for plan in plans
        )
        sys.stdout.write(f"\r  {start + count} rows prepared")
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
