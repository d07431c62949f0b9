"""Load test of the public window (not a test; pytest does not collect it).

    .venv/bin/python -m tests.benchmarks.public_pages --clients 50 --requests 5000

Builds a throw-away SQLite database with the demo data in a temporary folder, serves it with
``manage.py runserver --noreload`` (DEBUG off) on loopback, requests each public page once to
fill the cache, then lets ``--clients`` concurrent clients fetch the public pages (the index,
the notices, the answered suggestions and every community's page, both languages) until
``--requests`` answers have come back, and prints p50 / p95 / p99 latency and requests a second.
"""

import argparse
import os
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
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "cixi_portal.settings.base",
            "DEBUG": "false",
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        codes = subprocess.run(
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
        codes = next(line for line in codes.splitlines() if line.startswith("CODES")).split()[1:]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(base + "/public/")
            paths = ["/public/", "/public/notices/", "/public/suggestions/"]
            paths += [f"/public/communities/{code}/" for code in codes]
            targets = [(base + p, lang) for p in paths for lang in ("zh-hans", "en")]
            for url, language in targets:  # fill the cache
                try:
                    fetch(url, language)
                except OSError as error:
                    raise SystemExit(f"{url}: {error}") from error
            timings: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            counter = iter(range(args.requests))

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

            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
    cuts = statistics.quantiles(timings, n=100)
    print(f"clients {args.clients}, requests {len(timings)} ok, {len(errors)} failed")
    print(
        f"p50 {cuts[49] * 1000:.1f} ms  p95 {cuts[94] * 1000:.1f} ms  p99 {cuts[98] * 1000:.1f} ms"
    )
    print(f"throughput {len(timings) / elapsed:.0f} requests/s over {elapsed:.1f} s")
    if errors:
        print("first errors:", errors[:3])


if __name__ == "__main__":
    main()
