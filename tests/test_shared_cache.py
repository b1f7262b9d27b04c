"""
With REDIS_URL, the throttles and the page cache are shared between processes; when the
cache goes away, readers still get pages and signing in fails closed; bad settings say so.
"""

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import throttle as sign_in_throttle
from comments import throttle as comment_throttle
from pagecache.state import current_generation
from tests.processes import run_django

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def in_another_process(redis_url, code):
    """Run `code` with Django set up in a separate Python process sharing only the Redis cache."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return run_django({**environment, "DJANGO_SETTINGS_MODULE": "newsroom.settings.test", "REDIS_URL": redis_url}, code)


@pytest.fixture
def shared_redis(redis_url, settings):
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": redis_url}}
    from django.core.cache import cache

    cache.clear()
    yield redis_url
    cache.clear()


class TestSharedBetweenProcesses:
    def test_comments_posted_through_another_process_count_here(self, shared_redis, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 5
        in_another_process(
            shared_redis,
            "from comments.throttle import allow_comment; [allow_comment('203.0.113.5') for _ in range(5)]",
        )
        assert comment_throttle.allow_comment("203.0.113.5") is False
        assert comment_throttle.allow_comment("203.0.113.6") is True

    def test_failed_sign_ins_in_another_process_pause_signing_in_here(self, shared_redis):
        in_another_process(
            shared_redis,
            "from accounts.throttle import record_failure; [record_failure('eddie', '203.0.113.5') for _ in range(5)]",
        )
        assert sign_in_throttle.is_paused("eddie", "198.51.100.1")
        assert not sign_in_throttle.is_paused("rita", "198.51.100.1")

    def test_a_purge_in_another_process_starts_a_new_generation_here(self, shared_redis, db):
        before = current_generation()
        in_another_process(shared_redis, "from pagecache.state import _purge_now; _purge_now()")
        assert current_generation().token != before.token


@pytest.fixture
def redis_gone(settings):
    """Point the cache at a loopback port where nothing listens, as when Redis has stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE,
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300


@pytest.mark.usefixtures("redis_gone")
class TestWhenRedisHasGone:
    @pytest.fixture(autouse=True)
    def empty_cache(self):
        """Replace the suite's autouse fixture, which would clear the unreachable cache."""

    def test_readers_still_get_pages_uncached(self, client, make_article):
        story = make_article(headline="Kim leaves Russia")
        for url in ["/", story.get_absolute_url(), reverse("articles:section", args=[story.section.slug])]:
            response = client.get(url)
            assert response.status_code == 200, url
        assert "Kim leaves Russia" in client.get("/").content.decode()

    def test_a_comment_still_goes_to_the_moderators(self, client, make_article):
        story = make_article()
        data = {"name": "Jane", "email": "jane@example.net", "text": "Hello"}
        assert client.post(reverse("comments:post", args=[story.pk]), data).status_code == 302
        assert story.comments.count() == 1

    def test_signing_in_fails_closed(self, client, make_user):
        make_user(username="eddie", is_staff=True)
        response = client.post(
            reverse("admin:login"), {"username": "eddie", "password": "correct horse battery staple"}
        )
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_health_names_the_cache(self, client, db):
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json() == {"status": "failing", "failing": ["cache"]}


class TestBadSettings:
    @pytest.mark.parametrize(
        "variable, value, said",
        [
            ("REDIS_URL", "localhost:6379", "REDIS_URL must be a Redis address"),
            ("REDIS_URL", "http://cache.example/", "REDIS_URL must be a Redis address"),
            ("DATABASE_URL", "postgres//newsroom", "DATABASE_URL is not a database address"),
            ("DATABASE_URL", "postgres://u@h:notaport/db", "DATABASE_URL is not a database address"),
        ],
    )
    def test_a_malformed_address_is_one_clear_line_at_start_up(self, variable, value, said):
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.test", variable: value},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert said in lines[0]
        assert "Traceback" not in result.stderr
