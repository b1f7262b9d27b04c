"""
The OpenAPI 3.1 description of the read API, kept beside the views it describes. Its item
schema is IPTC's own ninjs 3.1 JSON Schema, embedded whole (see `embedded`), so clients
and the tests validate answers against what IPTC publishes.
"""

from django.conf import settings
from django.urls import reverse

from .ninjs import NINJS_VERSION, absolute_url, ninjs_schema

JSON = "application/json"


def content(schema_name):
    return {JSON: {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def error(description, **headers):
    response = {"description": description, "content": content("Error")}
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {"Retry-After": {"description": "Seconds until the limit resets.", "schema": {"type": "integer"}}}
NOT_MODIFIED = {
    "description": "Not modified: the ETag (If-None-Match) or Last-Modified (If-Modified-Since) still holds."
}


NINJS_POINTER = "#/components/schemas/Ninjs"


def embedded(schema, pointer):
    """
    Return a JSON Schema rewritten to sit at `pointer` inside another document: its own
    references ("#/$defs/…") point there, and a reference to a remote schema (ninjs's
    places[].geoJSON names GeoJSON's) becomes a plain object, so the document is
    self-contained and no tool reading it fetches anything. This API never sends geoJSON.
    """
    if isinstance(schema, list):
        return [embedded(item, pointer) for item in schema]
    if not isinstance(schema, dict):
        return schema
    reference = schema.get("$ref")
    if isinstance(reference, str) and not reference.startswith("#"):
        return {"type": "object", "description": f"As defined by {reference}"}
    rewritten = {
        key: embedded(value, pointer) for key, value in schema.items() if key not in {"$id", "$schema", "$ref"}
    }
    if isinstance(reference, str):
        rewritten["$ref"] = pointer + reference[1:]
    return rewritten


def query(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def openapi_document(request=None):
    """Return the OpenAPI document of the API, with addresses made absolute for `request` or NEWSROOM_SITE_URL."""
    limits = (
        f"Without a key, {settings.NEWSROOM_API_RATE_LIMIT} requests per {settings.NEWSROOM_API_RATE_WINDOW} "
        f"seconds per client address; with a key, {settings.NEWSROOM_API_KEY_RATE_LIMIT} (or the key's own limit)."
    )
    common = {
        "304": NOT_MODIFIED,
        "401": error("The X-Api-Key header holds no valid key (unknown or revoked)."),
        "429": error("Too many requests; wait Retry-After seconds. " + limits, **RETRY_AFTER),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.NEWSROOM_SITE_NAME} read API",
            "version": "1.0",
            "description": (
                f"The stories readers may see, as IPTC ninjs {NINJS_VERSION}. Read-only, open to any origin (CORS). "
                "Answers carry an ETag and Last-Modified; conditional GETs get 304. " + limits
            ),
        },
        "servers": [{"url": absolute_url("/", request)}],
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
            "schemas": {
                "Ninjs": embedded(ninjs_schema(), NINJS_POINTER),
                "NinjsList": {
                    "type": "object",
                    "required": ["items", "next"],
                    "additionalProperties": False,
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": NINJS_POINTER}},
                        "next": {
                            "type": ["string", "null"],
                            "format": "uri",
                            "description": "The next (older) page, filters kept; null on the last page.",
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "additionalProperties": False,
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "additionalProperties": False,
                            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
                        }
                    },
                },
                "OpenApi": {"type": "object", "required": ["openapi", "info", "paths"]},
            },
        },
        # The key is optional: every operation also answers without one.
        "security": [{}, {"apiKey": []}],
        "paths": {
            reverse("api:ninjs-list"): {
                "get": {
                    "operationId": "listStories",
                    "summary": "Published stories, newest first",
                    "parameters": [
                        query("section", "Only stories of the section with this slug.", {"type": "string"}),
                        query("author", "Only stories with a byline of the author with this slug.", {"type": "string"}),
                        query("tag", "Only stories with the tag with this slug.", {"type": "string"}),
                        query(
                            "since",
                            "Only stories published or updated at or after this ISO 8601 time (or date); "
                            "without an offset, in the site's time zone.",
                            {"type": "string"},
                        ),
                        query(
                            "limit",
                            "Stories per page.",
                            {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                        ),
                        query(
                            "before",
                            "A cursor: the page of stories older than it. Follow `next` rather than building one.",
                            {"type": "string", "pattern": "^[0-9]{20}-[0-9]+$"},
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of stories; `next` (and a Link header) leads to older ones.",
                            "content": content("NinjsList"),
                        },
                        "400": error("A filter, limit or cursor that is not valid, with a message saying why."),
                        **common,
                    },
                }
            },
            reverse("api:ninjs-detail", kwargs={"pk": "0"}).replace("/0/", "/{id}/"): {
                "get": {
                    "operationId": "getStory",
                    "summary": "One published story",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    ],
                    "responses": {
                        "200": {"description": "The story as a ninjs news item.", "content": content("Ninjs")},
                        "404": error("No story with this id is published (or it is scheduled, embargoed or expired)."),
                        **common,
                    },
                }
            },
            reverse("api:openapi"): {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI document.", "content": content("OpenApi")}},
                }
            },
        },
    }
