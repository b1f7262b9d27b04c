"""The OpenAPI document: a valid description, and every path answers as it says."""

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from api.models import ApiKey
from api.ninjs import ninjs_schema

DOCUMENT_URI = "urn:newsroom:openapi"


@pytest.fixture
def document(client, db):
    response = client.get(reverse("api:openapi"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def schema_validator(document, schema):
    """Validate against a schema of the document, its references resolved in the document."""
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    if "$ref" in schema:
        schema = {"$ref": DOCUMENT_URI + schema["$ref"]}
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def test_the_document_is_valid_openapi(document):
    validate_openapi(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver/"}]


@pytest.fixture
def examples(client, rich_story, settings):
    """How to make each documented path give each documented answer: (path, status) -> a request."""
    story = reverse("api:ninjs-detail", kwargs={"pk": rich_story.pk})
    api_list = reverse("api:ninjs-list")

    def conditional(url):
        def request():
            etag = client.get(url)["ETag"]
            return client.get(url, headers={"If-None-Match": etag})

        return request

    def over_the_limit(url):
        def request():
            settings.NEWSROOM_API_RATE_LIMIT = 0
            return client.get(url)

        return request

    def with_a_revoked_key(url):
        def request():
            api_key = ApiKey(name="Old partner")
            key = api_key.issue()
            api_key.save()
            ApiKey.objects.filter(pk=api_key.pk).revoke()
            return client.get(url, headers={"X-Api-Key": key})

        return request

    return {
        ("/api/ninjs/", "200"): lambda: client.get(api_list, {"section": rich_story.section.slug, "limit": 1}),
        ("/api/ninjs/", "304"): conditional(api_list),
        ("/api/ninjs/", "400"): lambda: client.get(api_list, {"since": "last week"}),
        ("/api/ninjs/", "401"): with_a_revoked_key(api_list),
        ("/api/ninjs/", "429"): over_the_limit(api_list),
        ("/api/ninjs/{id}/", "200"): lambda: client.get(story),
        ("/api/ninjs/{id}/", "304"): conditional(story),
        ("/api/ninjs/{id}/", "404"): lambda: client.get(reverse("api:ninjs-detail", kwargs={"pk": 0})),
        ("/api/ninjs/{id}/", "401"): with_a_revoked_key(story),
        ("/api/ninjs/{id}/", "429"): over_the_limit(story),
        ("/api/openapi.json", "200"): lambda: client.get(reverse("api:openapi")),
    }


def test_every_documented_answer_is_exercised(document, examples):
    documented = {
        (path, status)
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for status in operation["responses"]
    }
    assert documented == set(examples)


def test_every_path_answers_as_documented(document, examples, settings):
    for (path, status), make_request in examples.items():
        settings.NEWSROOM_API_RATE_LIMIT = 1000
        documented = document["paths"][path]["get"]["responses"][status]
        response = make_request()
        assert response.status_code == int(status), (path, status, response.content[:200])
        for header in documented.get("headers", {}):
            assert header in response, (path, status, header)
        if "content" not in documented:
            assert response.content == b"", (path, status)
            continue
        assert response["Content-Type"] in documented["content"], (path, status)
        schema = documented["content"][response["Content-Type"]]["schema"]
        errors = list(schema_validator(document, schema).iter_errors(response.json()))
        assert not errors, (path, status, [error.message for error in errors])


def test_the_documented_item_schema_is_iptcs(document, client, rich_story, ninjs_validator):
    documented = document["components"]["schemas"]["Ninjs"]
    iptc = ninjs_schema()
    assert documented["title"] == iptc["title"]
    assert documented["$defs"].keys() == iptc["$defs"].keys()
    assert documented["$defs"]["ninjsType"]["properties"].keys() == iptc["$defs"]["ninjsType"]["properties"].keys()
    # The same item is valid against both, and a wrong one against neither.
    item = client.get(reverse("api:ninjs-detail", kwargs={"pk": rich_story.pk})).json()
    schema_validator(document, {"$ref": "#/components/schemas/Ninjs"}).validate(item)
    ninjs_validator.validate(item)


def test_a_wrong_answer_would_fail_the_walk(document, client, rich_story):
    """The check has teeth: an item missing its required uri does not validate against the documented schema."""
    item = client.get(reverse("api:ninjs-detail", kwargs={"pk": rich_story.pk})).json()
    del item["uri"]
    validator = schema_validator(document, {"$ref": "#/components/schemas/Ninjs"})
    assert not validator.is_valid(item)
    assert not validator.is_valid({"uri": "x", "headline": "ninjs 1 spelling"})
