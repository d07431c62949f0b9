"""`make bench` (not a test): serve the bench database with gunicorn (2 workers, production
settings, DEBUG off) on a loopback port, drive the pages and their admin baselines from a second
process (tests.benchmarks.load), measure the big jobs (tests.benchmarks.bigjobs) and write
docs/benchmarks.md.

Expects the environment the Makefile sets: DATABASE_URL, DJANGO_SETTINGS_MODULE=...bench,
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, QUERY_COUNT=1.
"""

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select version()" if connection.vendor == "postgresql" else "select 1")
        database = cursor.fetchone()[0] if connection.vendor == "postgresql" else connection.vendor
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "database": database.split(" on ")[0],
        "commit": commit,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": os.getloadavg(),
    }


def counts() -> dict:
    from django.apps import apps

    labels = [
        "communities.Subdistrict",
        "communities.Community",
        "communities.Facility",
        "communities.GapAssessment",
        "projects.GapFillingPlan",
        "projects.PlanLineItem",
        "projects.ReviewOpinion",
        "projects.StatusChange",
        "projects.FutureCommunityProject",
        "funding.Tranche",
        "funding.BudgetEnvelope",
        "operations.Operator",
        "operations.OperatingContract",
        "operations.OperationsAssessment",
        "operations.SatisfactionScore",
        "operations.SupervisionReport",
    ]
    return {label: apps.get_model(label).objects.count() for label in labels}


def admin_last_page() -> int:
    from django.contrib import admin

    from projects.models import GapFillingPlan

    per_page = admin.site._registry[GapFillingPlan].list_per_page
    return max(1, math.ceil(GapFillingPlan.objects.count() / per_page))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--time-bound", type=float, default=10.0)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    info = machine()
    data = counts()
    last = admin_last_page()
    work = Path(tempfile.mkdtemp(prefix="cixi-bench-"))
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "cixi_portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "120",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else os.devnull,
        ],
        cwd=ROOT,
    )
    try:
        wait_for(f"http://127.0.0.1:{args.port}/health/")
        load_out = work / "load.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.benchmarks.load",
                f"--port={args.port}",
                f"--requests={args.requests}",
                f"--concurrency={args.concurrency}",
                f"--time-bound={args.time_bound}",
                f"--admin-last-page={last}",
                f"--out={load_out}",
            ],
            check=True,
            cwd=ROOT,
        )
    finally:
        server.terminate()
        server.wait(30)
    jobs_out = work / "jobs.json"
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bigjobs", f"--out={jobs_out}"],
        check=True,
        cwd=ROOT,
    )
    load = json.loads(load_out.read_text())
    jobs = json.loads(jobs_out.read_text())
    out = Path(args.out)
    notes = kept_notes(out.read_text(encoding="utf-8")) if out.exists() else ""
    out.write_text(render(info, data, load, jobs) + notes, encoding="utf-8")
    print(f"Figures written to {args.out}")


NOTES = "## Notes"

# Targets at province scale (issue: every page fast at 5,600 communities).
LIST_P95_MS = 150
DASHBOARD_P95_MS = 300
SHEET_RATIO = 1.5
SHEET_PEAK_MIB = 150
REPORT_SECONDS = 10
IMPORT_SECONDS = 20


def kept_notes(text: str) -> str:
    """The hand-written part of the committed file (from its ``## Notes`` heading on): what a
    run cannot say, such as the measured cause of a missed target, outlives the next run."""
    at = text.find(f"\n{NOTES}\n")
    return text[at:] if at >= 0 else ""


def targets(load, jobs) -> list[tuple[str, str, bool]]:
    """Each target with what this run measured and whether it holds."""
    rows = []
    for row in load["rows"]:
        p, b = row["page"], row["admin"]
        if row["page_url"] == "/dashboard/":  # a page of figures: its own bound, no admin twin
            rows.append(
                (
                    f"{row['name']}: p95 < {DASHBOARD_P95_MS} ms",
                    f"p95 {p['p95']:.0f} ms",
                    p["p95"] < DASHBOARD_P95_MS,
                )
            )
            continue
        rows.append(
            (
                f"{row['name']}: p95 < {LIST_P95_MS} ms, p50 no slower than its admin",
                f"p95 {p['p95']:.0f} ms, p50 {p['p50']:.0f} ms against {b['p50']:.0f} ms",
                p["p95"] < LIST_P95_MS and p["p50"] <= b["p50"],
            )
        )
    by_name = {job["job"]: job for job in jobs if "error" not in job}
    sheet, bare = by_name.get("sheet"), by_name.get("bare_openpyxl")
    if sheet and bare:
        ratio = sheet["seconds"] / bare["seconds"]
        rows.append(
            (
                f"disbursement sheet: within {SHEET_RATIO} × bare openpyxl write-only, "
                f"peak RSS < {SHEET_PEAK_MIB} MiB",
                f"{sheet['seconds']} s against {bare['seconds']} s ({ratio:.2f} ×), "
                f"{sheet['peak_rss_mib']} MiB",
                ratio <= SHEET_RATIO and sheet["peak_rss_mib"] < SHEET_PEAK_MIB,
            )
        )
    for name, limit, label in (
        ("supervision", REPORT_SECONDS, "supervision report built"),
        ("register_import", IMPORT_SECONDS, "5,600-row register import"),
    ):
        if name in by_name:
            seconds = by_name[name]["seconds"]
            rows.append((f"{label}: under {limit} s", f"{seconds} s", seconds < limit))
    return rows


def render(info, data, load, jobs) -> str:
    a = load["args"]
    busy = info["load_average"][0] > info["cores"] / 2
    lines = [
        "# Province-scale benchmarks",
        "",
        "Made by `make bench` (tests/benchmarks/run.py); everything above the Notes heading is "
        "written by the run.",
        "",
        *(
            [
                "**The machine was busy with other work at the start of this run (see the load "
                "average), so the figures are noisy**: compare page and baseline (measured "
                "interleaved in the same run), not absolute values.",
                "",
            ]
            if busy
            else []
        ),
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; "
        f"load average at start {', '.join(f'{x:.2f}' for x in info['load_average'])}",
        f"- Date: {info['date']}; commit {info['commit']}; Python {info['python']}",
        f"- Database: {info['database']}",
        "- Server: gunicorn, 2 sync workers, `cixi_portal.settings.bench` (production settings, "
        "DEBUG off, plain HTTP on 127.0.0.1, `X-Query-Count` header)",
        f"- Driver: {a['requests']} requests per endpoint and side, concurrency "
        f"{a['concurrency']}, keep-alive, at most {a['time_bound']:.0f} s per endpoint; page and "
        "admin requests alternate",
        "",
        "## Data",
        "",
        "| model | rows |",
        "|---|---:|",
        *[f"| {label} | {count:,} |" for label, count in data.items()],
        "",
        "## Pages and API against their admin baseline",
        "",
        "The baseline is the Django admin changelist of the same model, read by the superuser. "
        "req/s is requests over the time this side spent, times the concurrency. Queries: the "
        "median `X-Query-Count`. Ratio: page p50 / admin p50. "
        f"With {a['requests']} samples a side, p99 is the slowest request.",
        "",
        "| endpoint | role | p50 ms | p95 ms | p99 ms | req/s | KiB | queries | admin p50 | "
        "admin p95 | admin p99 | admin req/s | admin KiB | admin queries | ratio | status |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in load["rows"]:
        p, b = row["page"], row["admin"]
        ratio = p["p50"] / b["p50"] if b["p50"] else 0
        lines.append(
            f"| {row['name']} (`{row['page_url']}`) | {row['role']} | {p['p50']:.0f} | "
            f"{p['p95']:.0f} | {p['p99']:.0f} | {p['rps']:.1f} | {p['bytes'] / 1024:.0f} | "
            f"{p['queries']} | {b['p50']:.0f} | {b['p95']:.0f} | {b['p99']:.0f} | "
            f"{b['rps']:.1f} | {b['bytes'] / 1024:.0f} | {b['queries']} | {ratio:.2f} | "
            f"{'/'.join(map(str, p['status']))} · {'/'.join(map(str, b['status']))} |"
        )
    lines += [
        "",
        "## Big jobs, in-process",
        "",
        "Each job runs in its own process: peak RSS is that process's `ru_maxrss` (Django loaded "
        "included); growth is the peak minus what it was before the job.",
        "",
        "| job | s | peak RSS MiB | RSS growth MiB | queries | output |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for job in jobs:
        if "error" in job:
            lines.append(f"| {job['job']} | — | — | — | — | failed: {job['error']} |")
            continue
        extra = ", ".join(
            f"{k} {v}"
            for k, v in job.items()
            if k not in {"job", "seconds", "peak_rss_mib", "rss_growth_mib", "queries"}
        )
        lines.append(
            f"| {job['job']} | {job['seconds']} | {job['peak_rss_mib']} | "
            f"{job['rss_growth_mib']} | {job['queries']} | {extra} |"
        )
    met = targets(load, jobs)
    lines += [
        "",
        "## Targets",
        "",
        f"{sum(ok for *_rest, ok in met)} of {len(met)} hold in this run.",
        "",
        "| target | measured | holds |",
        "|---|---|---|",
        *[f"| {target} | {seen} | {'yes' if ok else '**no**'} |" for target, seen, ok in met],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
