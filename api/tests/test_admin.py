"""API keys in the admin: created with the key shown once, stored hashed, revoked by an action."""

from django.urls import reverse

from api.models import ApiKey


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(superuser_client, client):
    response = superuser_client.post(reverse("admin:api_apikey_add"), {"name": "Partner app", "rate_limit": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get()
    assert api_key.created_by.username == "admin"
    shown = response.context["key"]
    assert shown.startswith(f"nrk_{api_key.prefix}.")
    assert shown in response.content.decode()
    assert shown.split(".", 1)[1] not in str(ApiKey.objects.values().get())
    # It works, and the change form never shows it again.
    assert client.get(reverse("api:ninjs-list"), headers={"X-Api-Key": shown}).status_code == 200
    change_form = superuser_client.get(reverse("admin:api_apikey_change", args=[api_key.pk])).content.decode()
    assert shown not in change_form
    assert f"nrk_{api_key.prefix}…" in change_form


def test_editing_a_key_keeps_its_secret(superuser_client, client):
    api_key = ApiKey(name="Partner app")
    key = api_key.issue()
    api_key.save()
    superuser_client.post(reverse("admin:api_apikey_change", args=[api_key.pk]), {"name": "Renamed", "rate_limit": 5})
    api_key.refresh_from_db()
    assert (api_key.name, api_key.rate_limit) == ("Renamed", 5)
    assert client.get(reverse("api:ninjs-list"), headers={"X-Api-Key": key}).status_code == 200


def test_revoking_keys(superuser_client, client):
    keys = []
    for name in ("One", "Two"):
        api_key = ApiKey(name=name)
        keys.append(api_key.issue())
        api_key.save()
    response = superuser_client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke", "_selected_action": list(ApiKey.objects.values_list("pk", flat=True))},
        follow=True,
    )
    assert "Revoked 2 keys." in response.content.decode()
    for key in keys:
        assert client.get(reverse("api:ninjs-list"), headers={"X-Api-Key": key}).status_code == 401


def test_staff_without_permission_cannot_see_keys(client, make_user):
    client.force_login(make_user(groups=["Editors"]))
    assert client.get(reverse("admin:api_apikey_changelist")).status_code == 403
