"""Pointing the Celery app at another broker for a test, and a real worker on it."""

import os
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

import redis
from celery.contrib.testing.worker import start_worker

from cixi_portal.celery import app

# An address where nothing listens: the broker is down.
CLOSED_BROKER = "redis://127.0.0.1:1/0"


def redis_url(db: int) -> str:
    """REDIS_URL with the given database number, so tests do not share queues."""
    parsed = urlparse(os.environ["REDIS_URL"])
    return urlunparse(parsed._replace(path=f"/{db}"))


def _reset_connections() -> None:
    """Drop the app's cached broker pools so new settings take effect."""
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@contextmanager
def broker(settings, url: str):
    """Send tasks to ``url`` instead of running them in-process, for the block's duration."""
    if url != CLOSED_BROKER:
        redis.Redis.from_url(url).flushdb()
    # Read before the settings change: the app reads Django's settings lazily, so what it held
    # would otherwise be read as the new values and "restored" as them, and every later test
    # would send to this broker instead of running its tasks in-process.
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    app.conf.update(task_always_eager=False, broker_url=url)
    _reset_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_connections()


@contextmanager
def worker():
    """A real Celery worker (one thread, solo pool) consuming the current broker."""
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False) as running:
        yield running
