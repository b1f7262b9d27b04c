from io import StringIO

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsroom import throttle as counts

LOGIN_URL = reverse("admin:login")


@pytest.fixture
def editor(make_user):
    user = make_user(username="eddie", groups=["Editors"])
    user.set_password("a long and right passphrase")
    user.save()
    return user


@pytest.fixture
def password_checks(monkeypatch):
    """Count the times a password is actually checked (hashed)."""
    checks = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        checks.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return checks


def sign_in(client, username, password="wrong guess", address="192.0.2.10"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


class TestPause:
    def test_after_five_failures_the_sixth_try_is_refused_without_checking_the_password(
        self, client, editor, password_checks, settings
    ):
        for _attempt in range(settings.NEWSROOM_LOGIN_FAILURE_LIMIT):
            assert sign_in(client, "eddie").status_code == 200
        assert len(password_checks) == 5

        refused = sign_in(client, "eddie")

        assert refused.status_code == 429
        assert "Too many failed sign-ins" in refused.content.decode()
        assert 'value="eddie"' in refused.content.decode()  # What was typed is kept.
        assert len(password_checks) == 5

    def test_the_right_password_does_not_get_in_while_paused(self, client, editor):
        for _attempt in range(5):
            sign_in(client, "eddie")
        assert sign_in(client, "eddie", "a long and right passphrase").status_code == 429
        assert "_auth_user_id" not in client.session

    def test_known_and_unknown_accounts_get_the_same_answers(self, client, editor):
        known = [sign_in(client, "eddie", address="192.0.2.1") for _attempt in range(6)]
        unknown = [sign_in(client, "nobody", address="192.0.2.2") for _attempt in range(6)]

        assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200] * 5 + [429]

        def errors(response):
            return response.context["form"].non_field_errors()

        assert errors(known[0]) == errors(unknown[0])
        assert errors(known[-1]) == errors(unknown[-1])

    def test_one_address_guessing_many_accounts_is_paused(self, client, editor):
        for number in range(5):
            sign_in(client, f"guess{number}", address="198.51.100.7")
        assert sign_in(client, "eddie", "a long and right passphrase", address="198.51.100.7").status_code == 429
        assert sign_in(client, "eddie", "a long and right passphrase", address="198.51.100.8").status_code == 302

    def test_one_account_guessed_from_many_addresses_is_paused(self, client, editor):
        for number in range(5):
            sign_in(client, "eddie", address=f"203.0.113.{number}")
        assert sign_in(client, "eddie", "a long and right passphrase", address="203.0.113.99").status_code == 429

    def test_a_success_starts_the_count_afresh(self, client, editor):
        for _attempt in range(4):
            sign_in(client, "eddie")
        assert sign_in(client, "eddie", "a long and right passphrase").status_code == 302
        client.logout()
        for _attempt in range(4):
            assert sign_in(client, "eddie").status_code == 200
        assert counts.counted("logins:failed:user:eddie") == 4

    def test_signing_in_lands_on_the_newsdesk_even_after_an_unsafe_next(self, client, editor):
        response = client.post(
            LOGIN_URL + "?next=https://elsewhere.example/",
            {"username": "eddie", "password": "a long and right passphrase"},
        )
        assert response.status_code == 302
        assert response.url == reverse("admin:index")

    def test_when_the_counts_cannot_be_read_signing_in_fails_closed(self, client, editor, monkeypatch, password_checks):
        def unreachable(*args, **kwargs):
            raise ConnectionError("cache down")

        monkeypatch.setattr(counts.cache, "get", unreachable)
        response = sign_in(client, "eddie", "a long and right passphrase")

        assert response.status_code == 429
        assert "sign-in guard cannot be reached" in response.content.decode()
        assert password_checks == []


class TestUnlock:
    def test_an_administrator_unlocks_an_account(self, client, editor):
        for _attempt in range(5):
            sign_in(client, "eddie", address=f"203.0.113.{_attempt}")
        out = StringIO()
        call_command("unlock_login", "eddie", stdout=out)

        assert "Unlocked account 'eddie'" in out.getvalue()
        assert sign_in(client, "eddie", "a long and right passphrase", address="203.0.113.50").status_code == 302

    def test_an_administrator_unlocks_an_address(self, client, editor):
        for number in range(5):
            sign_in(client, f"guess{number}", address="198.51.100.7")
        call_command("unlock_login", address="198.51.100.7", stdout=StringIO())
        assert sign_in(client, "eddie", "a long and right passphrase", address="198.51.100.7").status_code == 302

    def test_the_command_needs_something_to_unlock(self):
        with pytest.raises(CommandError, match="Name an account"):
            call_command("unlock_login")
