"""Load test of the public window (not a test; pytest does not collect it).

    .venv/bin/python -m tests.benchmarks.public_pages --clients 50 --requests 3000 \
        [--cache-redis redis://127.0.0.1:6379/9] [--server runserver] [--out FILE.md]

Builds a throw-away SQLite database with the demo data in a temporary folder and serves it the
way production does: gunicorn (the ``production`` extra) with ``--workers`` processes and
production settings (DEBUG off), sharing one Redis cache when ``--cache-redis`` is given (each
worker's memory otherwise); ``--server runserver`` serves it with ``manage.py runserver``
instead, for comparison. It requests each public page once to fill the cache, then runs two
loads of ``--requests`` answers each from ``--clients`` concurrent clients on loopback over the
public pages (the index, the notices, the answered suggestions and every community's page, both
languages):

- visitors: each client pauses about ``--think`` seconds between pages, as a reader does;
- saturation: no pause, every client asks again at once (the server's ceiling).

It prints p50 / p95 / p99 latency and requests a second for each; ``--out`` also writes them,
with the machine and the date, to a Markdown file.
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url}")


def fetch(url: str, language: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"django_language={language}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--think", type=float, default=1.0, help="visitors' mean pause, seconds")
    parser.add_argument("--server", choices=("gunicorn", "runserver"), default="gunicorn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-redis", default="", help="CACHE_REDIS_URL for the server")
    parser.add_argument("--out", default="", help="also write the figures to this Markdown file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "cixi_portal.settings.base",
            "DEBUG": "false",
            "REDIS_URL": "",
            "CACHE_REDIS_URL": args.cache_redis,
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            serve_command(args, manage, port),
            cwd=ROOT,
            env=server_env(args, env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(base + "/public/")
            paths = ["/public/", "/public/notices/", "/public/suggestions/"]
            paths += [f"/public/communities/{code}/" for code in community_codes(manage, env)]
            targets = [(base + p, lang) for p in paths for lang in ("zh-hans", "en")]
            for url, language in targets:  # fill the cache
                try:
                    fetch(url, language)
                except OSError as error:
                    raise SystemExit(f"{url}: {error}") from error
            rows = [
                ("visitors", args.think, *load(targets, args.clients, args.requests, args.think)),
                ("saturation", 0.0, *load(targets, args.clients, args.requests, 0.0)),
            ]
        finally:
            server.terminate()
            server.wait(10)
    for name, think, figures, failed in rows:
        print(
            f"{name} ({args.clients} clients, pause {think:.1f} s): {figures['ok']} ok, "
            f"{len(failed)} failed; p50 {figures['p50']:.1f} ms  "
            f"p95 {figures['p95']:.1f} ms  p99 {figures['p99']:.1f} ms  {figures['rate']:.0f} req/s"
        )
    if args.out:
        write_report(Path(args.out), args, rows)


def community_codes(manage: list[str], env: dict) -> list[str]:
    output = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from communities.models import Community;"
            "print('CODES', *Community.objects.values_list('code', flat=True))",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return next(line for line in output.splitlines() if line.startswith("CODES")).split()[1:]


def load(targets, clients: int, requests: int, think: float) -> tuple[dict, list[str]]:
    """``requests`` answers from ``clients`` threads, each pausing about ``think`` seconds
    between pages; the latency figures and the errors."""
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        for number in counter:
            url, language = targets[number % len(targets)]
            try:
                took = fetch(url, language)
            except Exception as error:  # noqa: BLE001 - counted and printed
                with lock:
                    errors.append(str(error))
                continue
            with lock:
                timings.append(took)
            if think:
                time.sleep(random.uniform(0.5, 1.5) * think)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(timings, n=100)
    figures = {
        "ok": len(timings),
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "rate": len(timings) / elapsed,
    }
    return figures, errors


def serve_command(args, manage: list[str], port: int) -> list[str]:
    if args.server == "runserver":
        return [*manage, "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"]
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "cixi_portal.wsgi:application",
        f"--workers={args.workers}",
        f"--bind=127.0.0.1:{port}",
        "--access-logfile=" + os.devnull,
    ]


def server_env(args, env: dict) -> dict:
    """Production settings on a loopback port for gunicorn."""
    if args.server == "runserver":
        return env
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "cixi_portal.settings.bench",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
    }


def write_report(path: Path, args, rows) -> None:
    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    cache = "one Redis cache (CACHE_REDIS_URL)" if args.cache_redis else "each process's memory"
    server = (
        f"gunicorn, {args.workers} sync workers, production settings"
        if args.server == "gunicorn"
        else "manage.py runserver --noreload, DEBUG off"
    )
    lines = [
        "# Public window load test",
        "",
        "Made by `make bench-public` (tests/benchmarks/public_pages.py): the demo data in SQLite,"
        " every public page in both languages, the cache filled first, concurrent urllib clients"
        " on loopback on the same machine. *Visitors* pause between pages as readers do;"
        " *saturation* asks again at once, which is the server's ceiling: there the clients'"
        " threads share the same cores as the server, and every answer waits its turn in the"
        " two workers' queue.",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {os.cpu_count()} cores; load average at the end {load_average}",
        f"- Server: {server}; cache: {cache}",
        "",
        "| load | clients | pause | requests | failed | p50 | p95 | p99 | req/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, think, figures, failed in rows:
        lines.append(
            f"| {name} | {args.clients} | {think:.1f} s | {figures['ok']} | {len(failed)} "
            f"| {figures['p50']:.1f} ms | {figures['p95']:.1f} ms | {figures['p99']:.1f} ms "
            f"| {figures['rate']:.0f} |"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
