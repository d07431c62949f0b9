"""The public pages' cache: each page's HTML per language, dropped when a notice changes.

Every cached page's key carries a generation number; whatever a notice, a community's
facilities or a published suggestion is built from bumps it when saved or deleted, so every
page is rendered afresh on its next visit. Writes that bypass ``save()`` (a queryset's
``update()``) are caught by the timeout, PUBLIC_CACHE_SECONDS.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"
# The models whose rows a public page shows (through the notices, progress and suggestions).
SOURCES = (
    "communities.Community",
    "communities.Facility",
    "communities.Subdistrict",
    "projects.GapFillingPlan",
    "projects.PlanLineItem",
    "projects.FutureCommunityProject",
    "funding.Tranche",
    "public.Suggestion",
)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = int(time.time() * 1000)
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def invalidate(**_kwargs) -> None:
    """Every public page is rendered afresh on its next visit."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(time.time() * 1000), None)


def page_key(name: str, *parts) -> str:
    suffix = ":".join(str(part) for part in parts)
    return f"public:page:{generation()}:{get_language()}:{name}:{suffix}"


def cached_html(key: str, render) -> str:
    """The page's HTML from the cache, or ``render()`` stored there."""
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, settings.PUBLIC_CACHE_SECONDS)
    return html


def connect_invalidation() -> None:
    for label in SOURCES:
        post_save.connect(invalidate, sender=label, dispatch_uid=f"public-cache-save-{label}")
        post_delete.connect(invalidate, sender=label, dispatch_uid=f"public-cache-del-{label}")
