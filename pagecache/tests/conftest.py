import os
import shutil
import socket
import subprocess
import time

import pytest

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture
def page_cache(settings):
    """Turn the page cache on, as in production (the test settings keep it off)."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    return settings


@pytest.fixture(scope="session")
def redis_url():
    """
    Return the address of a real Redis: REDIS_URL when set (CI starts one), else a
    redis-server started here on a free loopback port and stopped after the tests.
    """
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    if REDIS_SERVER is None:
        if os.environ.get("NEWSROOM_SERVICE_TESTS") == "required":
            pytest.fail("redis-server is needed for the Redis cache tests; `make test` installs it.")
        pytest.skip("redis-server is not installed; `make test` installs it and runs these tests.")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


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
