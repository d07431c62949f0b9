"""How many suggestions one address or one phone number may send, counted in the cache.

The counts live in the cache shared by every process (Redis in production), in windows that
start with the first suggestion: an address may send SUGGESTION_LIMIT_PER_ADDRESS an hour, a
phone number SUGGESTION_LIMIT_PER_PHONE a day. The phone is counted under a keyed hash, so the
cache never holds the number itself.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

HOUR = 60 * 60
DAY = 24 * HOUR


def _count(key: str, window: int) -> int:
    """Count one more try under ``key``; the count starts again ``window`` seconds after its
    first try."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1


def phone_key(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return salted_hmac("public.limits.phone", digits).hexdigest()[:32]


def over_limit(*, address: str | None, phone: str) -> bool:
    """Count this try for its address and phone; True when either is over its limit."""
    over = False
    if address:
        count = _count(f"public:limit:address:{address}", HOUR)
        over = count > settings.SUGGESTION_LIMIT_PER_ADDRESS
    if phone:
        count = _count(f"public:limit:phone:{phone_key(phone)}", DAY)
        over = over or count > settings.SUGGESTION_LIMIT_PER_PHONE
    return over
