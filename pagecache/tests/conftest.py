import pytest


@pytest.fixture
def page_cache(settings):
    """Turn the page cache on, as in production (the test settings keep it off)."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    return settings


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    """Run a test with each cache the site supports: local memory, and a real Redis."""
    if request.param == "redis":
        location = request.getfixturevalue("redis_url")
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield request.param
    cache.clear()
