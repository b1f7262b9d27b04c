"""
A NUL byte in a request's address is a 400 and one in a cookie is ignored, on every page
(newsroom.nul_bytes): PostgreSQL refuses NUL in any text it is sent, so each was a 500
wherever an address's value or a cookie reached a query.
"""

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text_filters():
    """Yield the address of each admin list filtered on a text field by a value holding a NUL byte."""
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)):
                yield f"{url}?{field.name}=a%00b"


@pytest.mark.parametrize(
    "url",
    [
        "/api/ninjs/?tag=a%00b",
        "/api/ninjs/?author=%00",
        "/search/?q=kim%00",
        "/tags/a%00b/",
        "/?a%00=1",
    ],
)
def test_an_address_holding_a_nul_byte_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "The address or form could not be understood" in response.content.decode()


def test_every_admin_list_filtered_on_text_with_a_nul_byte_is_a_bad_request(admin_client):
    urls = list(text_filters())
    assert "/admin/articles/article/?headline=a%00b" in urls
    refused = [url for url in urls if admin_client.get(url).status_code == 400]
    assert refused == urls


def test_a_cookie_holding_a_nul_byte_is_read_as_not_sent(admin_user):
    signed_in = Client()
    signed_in.force_login(admin_user)
    signed_in.cookies["stray"] = "a\x00b"
    assert signed_in.get("/admin/").status_code == 200
    assert signed_in.get("/").status_code == 200

    stranger = Client(HTTP_COOKIE='sessionid="abcdefghijkl\\000mnop"')
    response = stranger.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
