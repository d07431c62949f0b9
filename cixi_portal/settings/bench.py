"""Production settings for load measurements on a loopback port: plain HTTP, and with
QUERY_COUNT=1 every response carries the number of SQL queries it ran (X-Query-Count)."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from .production import *  # noqa: E402, F403
from .production import MIDDLEWARE  # noqa: E402

if os.environ.get("QUERY_COUNT") == "1":
    MIDDLEWARE = ["tests.benchmarks.querycount.QueryCountMiddleware", *MIDDLEWARE]
