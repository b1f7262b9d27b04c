"""The API runs a fixed number of queries, however many stories a page holds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.ninjs import ninjs_queryset, story_as_ninjs
from articles.models import Correction
from authors.models import Organisation

# The stories, then bylines with authors, the authors' current affiliations, tags,
# sources, corrections and the photos in the bodies: one query each.
MAPPING_QUERIES = 7
# With a filter by section, author and tag: one lookup each.
LIST_QUERY_BUDGET = MAPPING_QUERIES + 3


@pytest.fixture
def busy_newsroom(make_article, make_author, make_organisation, make_affiliation, make_section, make_photo):
    """Forty stories, each with three bylines (authors with two organisations), tags, sources, a photo and a correction."""
    section = make_section(slug="world")
    authors = [make_author() for _ in range(6)]
    agencies = [make_organisation() for _ in range(3)]
    for author in authors:
        for agency in agencies[:2]:
            make_affiliation(author=author, organisation=agency)
    photo = make_photo()
    now = timezone.now()
    for n in range(40):
        article = make_article(
            section=section,
            authors=[authors[n % 6], authors[(n + 1) % 6], authors[(n + 2) % 6]],
            tags=["Topic", f"Topic {n % 5}", f"Topic {n % 7}"],
            sources=agencies[1:],
            photo=photo,
            published_at=now - timedelta(hours=n + 1),
        )
        Correction.objects.create(article=article, text="A fix.")
    Organisation.objects.publisher()  # As on a running site: the publisher is cached.
    return authors


def count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:ninjs-list"), params)
    assert response.status_code == 200
    return len(response.json()["items"]), len(queries)


def test_a_page_of_many_stories_costs_no_more_than_a_page_of_one(client, busy_newsroom, django_assert_max_num_queries):
    filters = {"section": "world", "author": busy_newsroom[0].slug, "tag": "topic"}
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        response = client.get(reverse("api:ninjs-list"), {**filters, "limit": 100})
    # Author 0 has a byline on story n when n, n + 1 or n + 2 is a multiple of six.
    assert len(response.json()["items"]) == sum(1 for n in range(40) if 0 in {n % 6, (n + 1) % 6, (n + 2) % 6})
    assert count_queries(client, {"limit": 1}) == (1, MAPPING_QUERIES)
    assert count_queries(client, {"limit": 40}) == (40, MAPPING_QUERIES)


def test_a_story_costs_the_mapping_queries(client, busy_newsroom, django_assert_max_num_queries):
    story = ninjs_queryset().first()
    with django_assert_max_num_queries(MAPPING_QUERIES):
        response = client.get(reverse("api:ninjs-detail", kwargs={"pk": story.pk}))
    assert response.status_code == 200


def test_the_mapping_reads_nothing_the_queryset_did_not_load(busy_newsroom, django_assert_num_queries):
    stories = list(ninjs_queryset())
    with django_assert_num_queries(0):
        items = [story_as_ninjs(story) for story in stories]
    assert len(items) == 40
    assert all(len(item["people"]) == 3 and len(item["associations"]) == 2 for item in items)
