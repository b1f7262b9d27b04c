"""The production settings and the site-wide guards: deploy check, proxies, health, passwords."""

import json
import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from newsroom import views
from newsroom.proxies import forwarded_client

# Set for the test run (the browser tests allow async-unsafe calls), never in production.
ENVIRONMENT_OF_TESTS = {"DEBUG", "NEWSROOM_TRUSTED_PROXIES", "DJANGO_ALLOW_ASYNC_UNSAFE"}
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
    "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "news.example.org",
}


def production_environment():
    """Return this process's environment without what only the test run sets."""
    return {key: value for key, value in os.environ.items() if key not in ENVIRONMENT_OF_TESTS}


def run_with(environment, code):
    """Run Python `code` in a fresh process with Django set up under `environment`; return its stdout."""
    env = production_environment()
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        check=False,
        env={**env, **environment},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


class TestProductionSettings:
    def test_the_deploy_check_passes_at_warning_level(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            check=False,
            env={**production_environment(), **PRODUCTION_ENVIRONMENT},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_debug_cannot_be_switched_on(self):
        code = "from django.conf import settings; print(settings.DEBUG)"
        assert run_with({**PRODUCTION_ENVIRONMENT, "DEBUG": "1"}, code) == "False"

    def test_https_is_required_for_a_year(self):
        code = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
        assert run_with(PRODUCTION_ENVIRONMENT, code) == "31536000 True True"

    def test_forwarded_headers_are_believed_only_behind_declared_proxies(self):
        code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
        assert run_with(PRODUCTION_ENVIRONMENT, code) == "None"
        behind_one = run_with({**PRODUCTION_ENVIRONMENT, "NEWSROOM_TRUSTED_PROXIES": "1"}, code)
        assert behind_one == "('HTTP_X_FORWARDED_PROTO', 'https')"

    @pytest.mark.parametrize(
        "storage, origin",
        [
            ({}, None),
            (
                {"NEWSROOM_S3_BUCKET": "news-media", "NEWSROOM_S3_CUSTOM_DOMAIN": "media.example.org"},
                "https://media.example.org",
            ),
            (
                {"NEWSROOM_S3_BUCKET": "news-media", "NEWSROOM_S3_ENDPOINT_URL": "https://s3.example.net:9000"},
                "https://s3.example.net:9000",
            ),
        ],
    )
    def test_the_policy_lets_images_come_from_the_media_storage(self, storage, origin):
        code = "from django.conf import settings as s; print(' '.join(s.SECURE_CSP['img-src']))"
        sources = run_with({**PRODUCTION_ENVIRONMENT, **storage}, code).split()
        assert sources[:3] == ["'self'", "data:", "blob:"]
        assert sources[3:] == ([origin] if origin else [])


class TestPasswordsAndSessions:
    @pytest.mark.parametrize("password", ["Summer2026", "newsroom", "acme-news", "password1234", "123456789012"])
    def test_weak_staff_passwords_are_refused(self, password):
        with pytest.raises(ValidationError):
            validate_password(password)

    def test_a_long_uncommon_passphrase_is_accepted(self):
        validate_password("copper kettle under the bridge")

    def test_a_staff_session_lasts_a_working_day(self):
        assert settings.SESSION_COOKIE_AGE == 12 * 3600


class TestProxies:
    @pytest.mark.parametrize(
        "forwarded_for, proxies, expected",
        [
            ("203.0.113.9", 1, "203.0.113.9"),
            ("198.51.100.1, 203.0.113.9", 1, "203.0.113.9"),  # The left entry was sent by the client.
            ("198.51.100.1, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),
            ("203.0.113.9", 2, None),  # Did not come through both proxies.
            ("not-an-address", 1, None),
            ("", 1, None),
            ("203.0.113.9", 0, None),
        ],
    )
    def test_the_reader_is_the_entry_the_last_trusted_proxy_added(self, forwarded_for, proxies, expected):
        assert forwarded_client(forwarded_for, proxies) == expected

    def test_without_declared_proxies_x_forwarded_for_is_ignored(self, client, make_article, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
        article = make_article()
        url = reverse("comments:post", args=[article.pk])
        data = {"name": "Jane", "email": "jane@example.net", "text": "Hello"}

        client.post(url, data, REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "203.0.113.1"})
        second = client.post(url, data, REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "203.0.113.2"})

        assert second.status_code == 429  # Both counted against the proxy's address: forging did not help.

    def test_behind_a_declared_proxy_each_reader_has_their_own_allowance(self, client, make_article, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
        settings.NEWSROOM_TRUSTED_PROXIES = 1
        article = make_article()
        url = reverse("comments:post", args=[article.pk])
        data = {"name": "Jane", "email": "jane@example.net", "text": "Hello"}

        first = client.post(url, data, REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "203.0.113.1"})
        other = client.post(url, data, REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "203.0.113.2"})
        again = client.post(url, data, REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "9.9.9.9, 203.0.113.1"})

        assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)


class TestHealth:
    def test_all_well(self, client, db):
        response = client.get(reverse("healthz"))

        assert response.status_code == 200
        assert json.loads(response.content) == {"status": "ok", "failing": []}
        assert "no-store" in response["Cache-Control"]

    @pytest.mark.parametrize("part", ["database", "cache", "storage"])
    def test_a_part_that_does_not_answer_is_named(self, client, db, monkeypatch, part):
        def broken():
            raise OSError("connection refused to secret-host:5432")

        monkeypatch.setitem(views.HealthView.checks, part, broken)
        response = client.get(reverse("healthz"))

        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "failing", "failing": [part]}
        assert b"secret-host" not in response.content

    @override_settings(NEWSROOM_PAGE_CACHE_SECONDS=300)
    def test_never_cached(self, client, db):
        client.get(reverse("healthz"))
        assert "private" in client.get(reverse("healthz"))["Cache-Control"]


class TestGunicornSettings:
    """gunicorn.conf.py: as many processes as the cache can keep in step."""

    def settings(self, monkeypatch, **environment):
        for name in ("REDIS_URL", "WEB_CONCURRENCY"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))

    def test_with_a_process_local_cache_one_process_serves_with_threads(self, monkeypatch):
        config = self.settings(monkeypatch)
        assert (config["workers"], config["worker_class"]) == (1, "gthread")
        assert config["threads"] > 1

    def test_with_redis_sync_workers_share_it(self, monkeypatch):
        config = self.settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
        assert config["workers"] == os.cpu_count() + 1
        assert "worker_class" not in config  # gunicorn's default: sync.

    def test_more_processes_without_redis_are_warned_about(self, monkeypatch, capsys):
        config = self.settings(monkeypatch, WEB_CONCURRENCY="3")
        assert config["workers"] == 3
        assert "Set REDIS_URL" in capsys.readouterr().err
