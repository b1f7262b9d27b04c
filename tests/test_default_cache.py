"""The local-memory cache a site has without Redis holds a site's pages, not Django's default 300 entries."""

import pytest
from django.core.cache.backends.locmem import LocMemCache

from newsroom.settings.base import cache_from_environment


def test_without_redis_the_cache_keeps_a_thousand_pages_and_their_versions(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = cache_from_environment()
    cache = LocMemCache("default-cache-test", {"OPTIONS": config.get("OPTIONS", {})})
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    for n in range(2000):
        cache.set(f"page-or-version-{n}", n)
    assert cache.get("page-or-version-0") == 0
    assert cache.get("page-or-version-1999") == 1999


def test_a_redis_address_that_is_not_one_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379/0")
    with pytest.raises(ImproperlyConfigured, match="must be a Redis address"):
        cache_from_environment()
