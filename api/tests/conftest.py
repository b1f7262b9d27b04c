from datetime import timedelta
from functools import cache

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from api.ninjs import ninjs_schema
from articles.models import Byline, Correction


@cache
def ninjs_validator_for_tests():
    schema = ninjs_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture
def ninjs_validator():
    """Validate against IPTC's ninjs 3.1 schema, formats (date-time) included."""
    return ninjs_validator_for_tests()


class ValidatingClient(Client):
    """A test client that checks every answer of the ninjs endpoints: items valid ninjs, errors in the error shape."""

    def request(self, **request):
        response = super().request(**request)
        if request["PATH_INFO"].startswith(reverse("api:ninjs-list")) and response.content:
            assert response["Content-Type"] == "application/json"
            body = response.json()
            if response.status_code == 200:
                items = body.get("items", [body])
                if "items" in body:
                    assert set(body) == {"items", "next"}
                validator = ninjs_validator_for_tests()
                for item in items:
                    validator.validate(item)
            else:
                assert set(body) == {"error"}
                assert body["error"]["status"] == response.status_code
                assert body["error"]["message"]
        return response


@pytest.fixture
def client():
    """Every answer of the API in these tests is validated (see ValidatingClient)."""
    return ValidatingClient()


@pytest.fixture
def publisher(make_organisation):
    return make_organisation(name="The Daily Example", slug="daily-example", is_publisher=True)


@pytest.fixture
def rich_story(make_article, make_author, make_organisation, make_affiliation, make_photo, make_section, publisher):
    """A story with all a ninjs item can carry: photo, two bylines with organisations, tags, corrections, a lifted embargo."""
    agency = make_organisation(name="Example Agency", slug="example-agency")
    reporter = make_author(name="Jane Doe", slug="jane-doe")
    stringer = make_author(name="John Roe", slug="john-roe")
    make_affiliation(author=reporter, organisation=publisher, role="Staff reporter")
    make_affiliation(author=stringer, organisation=agency, role="Correspondent")
    make_affiliation(author=stringer, organisation=publisher, role="Former intern", is_current=False)
    photo = make_photo(size=(1200, 800), copyright_holder="Example Agency", usage_terms="Editorial use only")
    now = timezone.now()
    article = make_article(
        headline="Ministers agree on the budget",
        standfirst="After a night of talks, a deal.",
        body='<p>The first paragraph.</p><p>A <a href="https://example.org/">link</a>.</p>',
        section=make_section(name="Politics", slug="politics"),
        dateline="Brussels",
        photo=photo,
        published_at=now - timedelta(hours=3),
        embargo_lifts_at=now - timedelta(hours=2),
        embargoed_by=agency,
        authors=[reporter],
        tags=["Budget", "European Union"],
        sources=[agency],
    )
    Byline.objects.create(article=article, author=stringer, role="Additional reporting", position=1)
    Correction.objects.create(
        article=article, text="An earlier version misspelt a name.", created_at=now - timedelta(hours=1)
    )
    Correction.objects.create(
        article=article, kind=Correction.Kind.UPDATE, text="Adds the vote.", created_at=now - timedelta(minutes=30)
    )
    return article
