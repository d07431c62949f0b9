"""A bounded load driver (not a test): logs in per role, then for each endpoint requests the
page and its baseline (the Django admin changelist of the same model) alternately from C
threads over keep-alive connections, N times each or until the time bound, and prints
p50/p95/p99, req/s, bytes and the X-Query-Count of both with their ratio, as JSON and Markdown.

    python -m tests.benchmarks.load --port 8765 --requests 12 --concurrency 2 --out run.json
"""

import argparse
import http.client
import json
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

PASSWORDS = {"admin": "demo12345"}
DEFAULT_PASSWORD = "demo12345"

# (name, role, page, admin baseline)
ENDPOINTS = [
    ("communities", "supervisor", "/communities/", "/admin/communities/community/"),
    ("communities (staff)", "subdistrict_staff", "/communities/", "/admin/communities/community/"),
    ("facilities (coverage)", "supervisor", "/dashboard/coverage/", "/admin/communities/facility/"),
    ("plans, page 1", "taskforce_approver", "/plans/", "/admin/projects/gapfillingplan/"),
    ("plans, last page", "taskforce_approver", "/plans/?page=last", "ADMIN_LAST:gapfillingplan"),
    (
        "future projects",
        "taskforce_approver",
        "/plans/future/",
        "/admin/projects/futurecommunityproject/",
    ),
    ("tranches", "finance_officer", "/funding/", "/admin/funding/tranche/"),
    (
        "contracts",
        "operations_assessor",
        "/operations/contracts/",
        "/admin/operations/operatingcontract/",
    ),
    ("operators", "operations_assessor", "/operations/operators/", "/admin/operations/operator/"),
    (
        "assessments",
        "operations_assessor",
        "/operations/assessments/",
        "/admin/operations/operationsassessment/",
    ),
    (
        "satisfaction",
        "supervisor",
        "/operations/satisfaction/",
        "/admin/operations/satisfactionscore/",
    ),
    (
        "supervision reports",
        "supervisor",
        "/operations/reports/",
        "/admin/operations/supervisionreport/",
    ),
    ("priority ranking", "supervisor", "/communities/priorities/", "/admin/communities/community/"),
    ("dashboard", "supervisor", "/dashboard/", "/admin/projects/gapfillingplan/"),
    ("API communities", "supervisor", "/api/communities/", "/admin/communities/community/"),
    ("API facilities", "supervisor", "/api/facilities/", "/admin/communities/facility/"),
    ("API plans", "taskforce_approver", "/api/plans/", "/admin/projects/gapfillingplan/"),
    (
        "API future projects",
        "taskforce_approver",
        "/api/future-projects/",
        "/admin/projects/futurecommunityproject/",
    ),
    ("API tranches", "finance_officer", "/api/tranches/", "/admin/funding/tranche/"),
    ("API operators", "operations_assessor", "/api/operators/", "/admin/operations/operator/"),
    (
        "API contracts",
        "operations_assessor",
        "/api/operating-contracts/",
        "/admin/operations/operatingcontract/",
    ),
    (
        "API assessments",
        "operations_assessor",
        "/api/operations-assessments/",
        "/admin/operations/operationsassessment/",
    ),
    (
        "API satisfaction",
        "supervisor",
        "/api/satisfaction-scores/",
        "/admin/operations/satisfactionscore/",
    ),
    (
        "API supervision reports",
        "supervisor",
        "/api/supervision-reports/",
        "/admin/operations/supervisionreport/",
    ),
]


class Client:
    """One keep-alive connection per thread, carrying a role's session cookie."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.local = threading.local()

    def connection(self):
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self.local.conn

    def request(self, method, path, *, cookies="", body=None, headers=None):
        for attempt in range(2):
            conn = self.connection()
            try:
                all_headers = {"Cookie": cookies, **(headers or {})}
                started = time.perf_counter()
                conn.request(method, path, body=body, headers=all_headers)
                response = conn.getresponse()
                data = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                return response, data, elapsed
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def cookies_of(response) -> dict:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


def login(client, username) -> str:
    """The Cookie header of a fresh session of ``username``."""
    response, data, _ms = client.request("GET", "/login/")
    jar = cookies_of(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1).decode()
    body = urlencode(
        {
            "username": username,
            "password": PASSWORDS.get(username, DEFAULT_PASSWORD),
            "csrfmiddlewaretoken": token,
        }
    )
    response, _data, _ms = client.request(
        "POST",
        "/login/",
        cookies=f"csrftoken={jar['csrftoken']}",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    jar.update(cookies_of(response))
    if "sessionid" not in jar:
        raise SystemExit(f"login of {username} failed ({response.status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(samples, wall, concurrency):
    times = [s["ms"] for s in samples]
    return {
        "n": len(samples),
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        # Share of the interleaved run's wall time this side used, as requests per second.
        "rps": len(samples) / (sum(times) / 1000 / concurrency) if times else 0.0,
        "bytes": int(statistics.median([s["bytes"] for s in samples])) if samples else 0,
        "queries": int(statistics.median([s["queries"] for s in samples])) if samples else -1,
        "status": sorted({s["status"] for s in samples}),
        "wall_s": wall,
    }


def measure(client, sessions, admin_cookie, name, role, page, admin, args):
    cookie = sessions[role]
    tasks = []
    for _ in range(args.requests):
        tasks += [("page", page, cookie), ("admin", admin, admin_cookie)]
    # Warm both once (caches, imports), not counted.
    client.request("GET", page, cookies=cookie)
    client.request("GET", admin, cookies=admin_cookie)
    deadline = time.monotonic() + args.time_bound
    results = {"page": [], "admin": []}
    lock = threading.Lock()

    def run(task):
        kind, path, cookies = task
        if time.monotonic() > deadline:
            return
        response, data, ms = client.request("GET", path, cookies=cookies)
        sample = {
            "ms": ms,
            "bytes": len(data),
            "status": response.status,
            "queries": int(response.getheader("X-Query-Count", "-1")),
        }
        with lock:
            results[kind].append(sample)

    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(run, tasks))
    wall = time.perf_counter() - started
    return {
        "name": name,
        "role": role,
        "page_url": page,
        "admin_url": admin,
        "page": summary(results["page"], wall, args.concurrency),
        "admin": summary(results["admin"], wall, args.concurrency),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--requests", type=int, default=12, help="per endpoint and side")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--time-bound", type=float, default=25.0, help="seconds per endpoint")
    parser.add_argument("--admin-last-page", type=int, default=1)
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--only", default="", help="just the endpoints whose name or path holds this text"
    )
    args = parser.parse_args()
    endpoints = [e for e in ENDPOINTS if args.only in e[0] or args.only in e[2]]
    client = Client(args.host, args.port)
    roles = sorted({role for _n, role, _p, _a in endpoints})
    sessions = {role: login(client, role) for role in roles}
    admin_cookie = login(client, "admin")
    rows = []
    for name, role, page, admin in endpoints:
        if admin.startswith("ADMIN_LAST:"):
            admin = f"/admin/projects/{admin.split(':')[1]}/?p={args.admin_last_page}"
        row = measure(client, sessions, admin_cookie, name, role, page, admin, args)
        p, a = row["page"], row["admin"]
        ratio = p["p50"] / a["p50"] if a["p50"] else 0
        print(
            f"{name:26} page p50 {p['p50']:7.0f} ms q {p['queries']:4} {p['bytes']:>8} B | "
            f"admin p50 {a['p50']:7.0f} ms q {a['queries']:4} | ×{ratio:.2f} "
            f"{p['status']}{a['status']}",
            flush=True,
        )
        rows.append(row)
    if args.out:
        with open(args.out, "w") as handle:
            json.dump({"args": vars(args), "rows": rows}, handle, indent=1)


if __name__ == "__main__":
    main()
