"""The rate limit: per address without a key, higher with one; and the keys themselves."""

import pytest
from django.urls import reverse

from api.models import ApiKey

LIST = reverse("api:ninjs-list")


@pytest.fixture
def limits(settings):
    settings.NEWSROOM_API_RATE_LIMIT = 2
    settings.NEWSROOM_API_KEY_RATE_LIMIT = 4
    settings.NEWSROOM_API_RATE_WINDOW = 3600
    return settings


def make_key(**fields):
    api_key = ApiKey(name="Partner app", **fields)
    key = api_key.issue()
    api_key.save()
    return api_key, key


def test_without_a_key_each_address_has_its_own_limit(client, db, limits):
    for _ in range(2):
        assert client.get(LIST).status_code == 200
    refused = client.get(LIST)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "X-Api-Key" in refused.json()["error"]["message"]
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert client.get(LIST, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_key_raises_the_limit(client, db, limits):
    _api_key, key = make_key()
    for _ in range(2):
        client.get(LIST)
    assert client.get(LIST).status_code == 429
    for _ in range(4):
        assert client.get(LIST, headers={"X-Api-Key": key}).status_code == 200
    refused = client.get(LIST, headers={"X-Api-Key": key})
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_a_key_may_carry_its_own_limit(client, db, limits):
    _api_key, key = make_key(rate_limit=6)
    statuses = [client.get(LIST, headers={"X-Api-Key": key}).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]


def test_a_key_counts_wherever_it_is_used_from(client, db, limits):
    _api_key, key = make_key()
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"):
        assert client.get(LIST, headers={"X-Api-Key": key}, REMOTE_ADDR=address).status_code == 200
    assert client.get(LIST, headers={"X-Api-Key": key}, REMOTE_ADDR="192.0.2.5").status_code == 429


@pytest.mark.parametrize("bad_key", ["nope", "nrk_abc.def", "nrk_.x", "nrk_abc"])
def test_a_wrong_key_is_a_401(client, db, bad_key):
    response = client.get(LIST, headers={"X-Api-Key": bad_key})
    assert response.status_code == 401
    assert "not a valid API key" in response.json()["error"]["message"]


def test_a_revoked_key_is_a_401(client, db):
    api_key, key = make_key()
    assert client.get(LIST, headers={"X-Api-Key": key}).status_code == 200
    assert ApiKey.objects.filter(pk=api_key.pk).revoke() == 1
    assert client.get(LIST, headers={"X-Api-Key": key}).status_code == 401


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_refused(client, db):
    api_key, _key = make_key()
    assert client.get(LIST, headers={"X-Api-Key": f"nrk_{api_key.prefix}.not-the-secret"}).status_code == 401


def test_only_a_hash_of_the_secret_is_stored(db):
    api_key, key = make_key()
    secret = key.split(".", 1)[1]
    stored = ApiKey.objects.values().get(pk=api_key.pk)
    assert all(secret not in str(value) for value in stored.values())
    assert ApiKey.objects.matching(key) == api_key


def test_when_the_cache_is_away_requests_go_through(client, db, limits, monkeypatch):
    from redis.exceptions import ConnectionError

    def unavailable(*args, **kwargs):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr("api.throttle.count", unavailable)
    assert all(client.get(LIST).status_code == 200 for _ in range(4))


def test_preflights_are_not_counted(client, db, limits):
    for _ in range(5):
        assert client.options(LIST).status_code == 200
    assert client.get(LIST).status_code == 200
