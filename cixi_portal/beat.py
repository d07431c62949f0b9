"""Exactly one Celery beat at a time, however many hosts start one.

Every host may run ``celery -A cixi_portal beat`` (the same command everywhere keeps the hosts
alike), but only the beat holding a Redis lock sends what is due; the others stand by and
check again every ``BEAT_LOCK_SECONDS / 3``. The holder renews the lock at every tick, so when
its host stops, the lock lapses within ``BEAT_LOCK_SECONDS`` and a standing-by beat takes over.
A beat that loses the lock (its renewal failed, Redis was unreachable) sends nothing until it
holds it again. Redis unreachable means the broker is too: nothing could be sent anyway, and the
outbox sweeper catches up afterwards.

Set as ``CELERY_BEAT_SCHEDULER``; without ``REDIS_URL`` there is no beat (tasks run in-process).
"""

import logging
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_NAME = "cixi_portal:beat"


class SingleBeatScheduler(PersistentScheduler):
    """A PersistentScheduler that sends only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self.lock_seconds = settings.BEAT_LOCK_SECONDS
        self.holder = f"beat-{uuid.uuid4().hex}"
        self._lock = None
        super().__init__(*args, **kwargs)
        # Renew well before the lock lapses, whatever the schedule's own pace.
        self.max_interval = min(self.max_interval, self.lock_seconds / 3)

    @property
    def lock(self):
        if self._lock is None:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=5
            )
            self._lock = client.lock(LOCK_NAME, timeout=self.lock_seconds, thread_local=False)
        return self._lock

    def holds_lock(self) -> bool:
        """Take the lock, or renew it when this beat holds it already."""
        try:
            if self.lock.owned():
                self.lock.reacquire()
                return True
            return self.lock.acquire(blocking=False, token=self.holder)
        except (redis.RedisError, OSError) as error:
            logger.warning("beat: the lock could not be checked (%s); sending nothing", error)
            return False

    def tick(self, *args, **kwargs):
        if not self.holds_lock():
            return self.max_interval
        return super().tick(*args, **kwargs)

    def close(self):
        try:
            if self._lock is not None and self._lock.owned():
                self._lock.release()
        except (redis.RedisError, OSError):
            pass  # it lapses by itself
        super().close()
