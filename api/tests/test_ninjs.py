"""The mapping of a story to ninjs 3.1, checked against IPTC's schema and field by field."""

from datetime import UTC, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from api.ninjs import NINJS_SCHEMA_URI, ninjs_queryset, story_as_ninjs
from articles.models import Article
from photos.models import Rendition


def iso(moment):
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@pytest.fixture
def item(rich_story):
    request = RequestFactory().get("/api/ninjs/")
    return story_as_ninjs(ninjs_queryset().get(pk=rich_story.pk), request)


def test_a_rich_story_is_valid_ninjs(item, ninjs_validator):
    ninjs_validator.validate(item)


def test_the_version_of_ninjs_is_declared(item):
    assert item["standard"] == {"name": "ninjs", "version": "3.1", "schema": NINJS_SCHEMA_URI}


def test_text_fields(item, rich_story):
    assert item["uri"] == f"http://testserver/api/ninjs/{rich_story.pk}/"
    assert item["type"] == "text"
    assert item["headlines"] == [
        {"role": "main", "contentType": "text/plain", "value": "Ministers agree on the budget"}
    ]
    assert item["descriptions"] == [
        {"role": "summary", "contentType": "text/plain", "value": "After a night of talks, a deal."}
    ]
    assert item["bodies"] == [{"role": "main", "contentType": "text/html", "value": rich_story.body}]
    assert 'href="https://example.org/"' in item["bodies"][0]["value"]
    assert item["located"] == "Brussels"
    assert item["places"] == [{"name": "Brussels", "rel": "dateline"}]
    assert item["language"] == "en-GB"
    assert item["slugline"] == rich_story.slug


def test_times_and_status(item, rich_story):
    rich_story.refresh_from_db()
    assert item["firstCreated"] == iso(rich_story.published_at)
    assert item["versionCreated"] == iso(rich_story.last_modified_at)
    assert item["embargoedUntil"] == iso(rich_story.embargo_lifts_at)
    assert item["pubStatus"] == "usable"
    assert "expires" not in item


def test_byline_authors_and_their_organisations(item):
    assert item["by"] == "Jane Doe and John Roe (Additional reporting)"
    jane, john = item["people"]
    assert jane == {
        "name": "Jane Doe",
        "rel": "author",
        "uri": "http://testserver/authors/jane-doe/",
        "literal": "jane-doe",
        "contactInfo": [
            {
                "type": "organisation",
                "role": "Staff reporter",
                "name": "The Daily Example",
                "value": "http://testserver/organisations/daily-example/",
            }
        ],
    }
    # Only current affiliations: the former internship is not named.
    assert [(info["name"], info["role"]) for info in john["contactInfo"]] == [("Example Agency", "Correspondent")]
    assert [(org["name"], org["rel"]) for org in item["organisations"]] == [
        ("The Daily Example", "affiliation"),
        ("Example Agency", "affiliation"),
        ("Example Agency", "source"),
    ]


def test_section_and_tags_are_subjects(item):
    assert [(subject["rel"], subject["name"], subject["uri"]) for subject in item["subjects"]] == [
        ("section", "Politics", "http://testserver/sections/politics/"),
        ("tag", "Budget", "http://testserver/tags/budget/"),
        ("tag", "European Union", "http://testserver/tags/european-union/"),
    ]


def test_copyright_from_the_publisher_and_usage_terms_from_the_settings(item, rich_story, settings):
    assert item["copyrightHolder"] == "The Daily Example"
    assert item["copyrightNotice"] == f"© {rich_story.published_at:%Y} The Daily Example"
    assert item["usageTerms"] == settings.NEWSROOM_USAGE_TERMS


def test_without_a_publisher_the_site_holds_the_copyright(rich_story, publisher, settings):
    publisher.is_publisher = False
    publisher.save()
    settings.NEWSROOM_SITE_NAME = "Example News"
    item = story_as_ninjs(ninjs_queryset().get(pk=rich_story.pk))
    assert item["copyrightHolder"] == "Example News"


def test_the_canonical_link_is_the_story_page(item, rich_story):
    assert item["renditions"] == [
        {
            "name": "web",
            "href": "http://testserver" + rich_story.get_absolute_url(),
            "contentType": "text/html",
            "title": rich_story.headline,
        }
    ]


def test_the_photo_with_every_rendition_and_its_size(item, rich_story):
    photo = rich_story.photo
    (picture,) = [association for association in item["associations"] if association["type"] == "picture"]
    assert picture["uri"] == f"tag:testserver,{photo.created_at:%Y-%m-%d}:photo:{photo.pk}"
    assert picture["by"] == photo.credit_line
    assert picture["copyrightHolder"] == "Example Agency"
    assert picture["usageTerms"] == "Editorial use only"
    assert {"role": "alt", "contentType": "text/plain", "value": photo.alt_text} in picture["descriptions"]
    stored = Rendition.objects.filter(photo=photo)
    assert len(picture["renditions"]) == stored.count() == 6
    assert sorted((r["href"], r["width"], r["height"], r["contentType"]) for r in picture["renditions"]) == sorted(
        ("http://testserver" + r.file.url, r.width, r.height, f"image/{r.format}") for r in stored
    )
    # The original, which keeps the camera's metadata, is never offered.
    assert all("originals" not in r["href"] for r in picture["renditions"])


def test_corrections_and_updates_are_associated_notes_newest_first(item, rich_story):
    notes = [association for association in item["associations"] if association["type"] == "text"]
    assert [(note["rel"], note["bodies"][0]["value"]) for note in notes] == [
        ("update", "Adds the vote."),
        ("correction", "An earlier version misspelt a name."),
    ]
    update = rich_story.corrections.get(kind="update")
    assert notes[0]["versionCreated"] == iso(update.created_at)
    assert notes[0]["uri"] == f"http://testserver/api/ninjs/{rich_story.pk}/#update-{update.pk}"


def test_without_a_request_addresses_use_the_site_url(rich_story, settings, ninjs_validator):
    settings.NEWSROOM_SITE_URL = "https://news.example.org"
    item = story_as_ninjs(ninjs_queryset().get(pk=rich_story.pk))
    ninjs_validator.validate(item)
    assert item["uri"] == f"https://news.example.org/api/ninjs/{rich_story.pk}/"
    assert item["renditions"][0]["href"] == "https://news.example.org" + rich_story.get_absolute_url()
    hrefs = [r["href"] for a in item["associations"] for r in a.get("renditions", [])]
    assert hrefs and all(href.startswith("https://news.example.org/media/") for href in hrefs)
    assert all(person["uri"].startswith("https://news.example.org/") for person in item["people"])


def test_a_plain_story_leaves_out_what_it_does_not_have(make_article, ninjs_validator):
    article = make_article(standfirst="", dateline="")
    item = story_as_ninjs(ninjs_queryset().get(pk=article.pk), RequestFactory().get("/"))
    ninjs_validator.validate(item)
    for absent in ("descriptions", "located", "places", "associations", "embargoedUntil"):
        assert absent not in item


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"published_at": timezone.now() + timedelta(days=1)}, "withheld"),
        ({"embargo_lifts_at": timezone.now() + timedelta(days=1)}, "withheld"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "canceled"),
        ({"status": Article.Status.DRAFT, "published_at": None}, "canceled"),
    ],
    ids=["scheduled", "embargoed", "expired", "unpublished"],
)
def test_stories_readers_cannot_see_say_so_for_webhooks(make_article, ninjs_validator, overrides, status):
    article = make_article(**overrides)
    item = story_as_ninjs(ninjs_queryset(Article.objects.filter(pk=article.pk)).get())
    ninjs_validator.validate(item)
    assert item["pubStatus"] == status


def test_the_queryset_defaults_to_what_readers_may_see(make_article):
    visible = make_article()
    make_article(status=Article.Status.DRAFT, published_at=None)
    assert list(ninjs_queryset()) == [visible]


def test_the_api_urls_are_named(rich_story):
    assert reverse("api:ninjs-detail", kwargs={"pk": rich_story.pk}) == f"/api/ninjs/{rich_story.pk}/"


def test_a_story_loaded_any_other_way_maps_the_same(rich_story):
    """Webhooks may hand over a story they loaded themselves: the mapping only costs more queries."""
    request = RequestFactory().get("/")
    assert story_as_ninjs(Article.objects.get(pk=rich_story.pk), request) == story_as_ninjs(
        ninjs_queryset().get(pk=rich_story.pk), request
    )


def test_photos_in_the_body_are_associations_and_the_body_shows_them_as_images(
    make_article, make_photo, ninjs_validator
):
    hero, first, second = make_photo(), make_photo(caption="The quay"), make_photo()
    article = make_article(
        photo=hero,
        body=f'<p>Text.</p><figure data-gallery="{second.pk} {first.pk}"></figure>'
        '<figure data-embed="https://youtu.be/dQw4w9WgXcQ" data-title="Speech"></figure>',
    )
    item = story_as_ninjs(ninjs_queryset().get(pk=article.pk), RequestFactory().get("/"))
    ninjs_validator.validate(item)
    pictures = [association for association in item["associations"] if association["type"] == "picture"]
    assert [(picture["name"], picture["rel"]) for picture in pictures] == [
        ("photo", "main-picture"),
        (f"photo-{second.pk}", "inline-picture"),
        (f"photo-{first.pk}", "inline-picture"),
    ]
    body = item["bodies"][0]["value"]
    assert f'<img src="http://testserver{first.largest_rendition().file.url}"' in body
    assert '<a href="https://youtu.be/dQw4w9WgXcQ">Speech</a> (YouTube)' in body
    assert "data-gallery" not in body and "data-embed" not in body
