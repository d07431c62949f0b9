import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counts and cached pages from one test never reach the next."""
    cache.clear()
    yield
    cache.clear()
