"""
A published story as IPTC ninjs 3.1 ("News in JSON"): the one mapping the read API and
the webhook deliveries share. See "API" in the README for the table of fields.
"""

import json
from datetime import UTC
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import to_locale

from articles.body import Body
from articles.models import Article, Byline, Correction
from authors.models import Affiliation, Organisation
from photos.models import Photo, Rendition

NINJS_VERSION = "3.1"
NINJS_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
NINJS_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "ninjs-schema_3.1.json"
STANDARD = {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA_URI}


@cache
def ninjs_schema():
    """Return IPTC's JSON Schema of ninjs 3.1, kept beside this module."""
    return json.loads(NINJS_SCHEMA_PATH.read_text(encoding="utf-8"))


def ninjs_queryset(queryset=None):
    """
    Load on `queryset` (the stories readers may see, by default) everything
    `story_as_ninjs` reads, in a fixed number of queries whatever the number of stories:
    the stories with their section, photo and the photo's people, then one query each
    for bylines with authors, the authors' current affiliations, tags, sources,
    corrections and the photos shown in the bodies.
    """
    if queryset is None:
        queryset = Article.objects.published()
    affiliations = Affiliation.objects.filter(is_current=True).select_related("organisation")
    bylines = Byline.objects.select_related("author").prefetch_related(
        Prefetch("author__affiliations", queryset=affiliations, to_attr="current_affiliations")
    )
    return (
        queryset.select_related("section", "photo__photographer", "photo__source_organisation")
        .defer("search_vector")
        .prefetch_related(
            Prefetch("bylines", queryset=bylines),
            "tags",
            Prefetch("sources", queryset=Organisation.objects.order_by("name")),
            Prefetch("corrections", queryset=Correction.objects.select_related(None)),
            Prefetch("inline_photos", queryset=Photo.objects.select_related("photographer", "source_organisation")),
        )
    )


def absolute_url(path, request=None):
    """Return `path` (or an address that is already absolute) as an absolute address."""
    if request is not None:
        return request.build_absolute_uri(path)
    return urljoin(settings.NEWSROOM_SITE_URL.rstrip("/") + "/", path)


def timestamp(moment):
    """Return a time as RFC 3339 in UTC, to the second, as ninjs readers expect; None for None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def language_tag():
    """Return the site's language as an IETF BCP 47 tag (en-gb becomes en-GB)."""
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


def compact(data):
    """Drop absent values: ninjs leaves out what it does not know rather than sending it empty."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def story_uri(article, request=None):
    """Return the story's ninjs identifier: its address in this API, which never changes."""
    return absolute_url(reverse("api:ninjs-detail", kwargs={"pk": article.pk}), request)


def byline_text(bylines):
    """Return the byline as readers read it under the headline: "A, B and C (Additional reporting)"."""
    names = [f"{b.author.name} ({b.role})" if b.role else b.author.name for b in bylines]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def current_affiliations(author):
    """Return the author's current affiliations, as ninjs_queryset() loaded them or else from the database."""
    loaded = getattr(author, "current_affiliations", None)
    if loaded is not None:
        return loaded
    return author.affiliations.filter(is_current=True).select_related("organisation")


def person(byline, request):
    """Describe a byline's author, with each organisation they now work for and their role there."""
    author = byline.author
    return compact(
        {
            "name": author.name,
            "rel": "author",
            "uri": absolute_url(author.get_absolute_url(), request),
            "literal": author.slug,
            "contactInfo": [
                {
                    "type": "organisation",
                    "role": affiliation.role,
                    "name": affiliation.organisation.name,
                    "value": absolute_url(affiliation.organisation.get_absolute_url(), request),
                }
                for affiliation in current_affiliations(author)
            ],
        }
    )


def organisation(org, rel, request):
    return compact(
        {"name": org.name, "rel": rel, "uri": absolute_url(org.get_absolute_url(), request), "literal": org.slug}
    )


def organisations(article, bylines, request):
    """Name the organisations the authors work for (once each), then the sources the story cites."""
    seen, listed = set(), []
    for byline in bylines:
        for affiliation in current_affiliations(byline.author):
            if affiliation.organisation_id not in seen:
                seen.add(affiliation.organisation_id)
                listed.append(organisation(affiliation.organisation, "affiliation", request))
    listed += [organisation(source, "source", request) for source in article.sources.all()]
    return listed


def subjects(article, request):
    """Name the story's section, then its tags, each with its page on the site."""
    section = article.section
    return [
        {
            "name": section.name,
            "rel": "section",
            "uri": absolute_url(section.get_absolute_url(), request),
            "literal": section.slug,
        },
        *(
            {
                "name": tag.name,
                "rel": "tag",
                "uri": absolute_url(reverse("articles:tag", args=[tag.slug]), request),
                "literal": tag.slug,
            }
            # taggit's prefetch takes no ordering of its own.
            for tag in sorted(article.tags.all(), key=lambda tag: tag.name.lower())
        ),
    ]


def rendition(stored, request):
    """Describe one stored rendition of a photo."""
    return {
        "name": f"{stored.format}-{stored.width}",
        "href": absolute_url(stored.file.url, request),
        "contentType": stored.mime_type,
        "width": stored.width,
        "height": stored.height,
    }


def picture(photo, request, name="photo", rel="main-picture"):
    """Describe a photo of the story as an associated picture, with every rendition readers may fetch."""
    host = urlsplit(absolute_url("/", request)).hostname
    by_format = photo.renditions_by_format
    return compact(
        {
            "name": name,
            "rel": rel,
            # A tag URI (RFC 4151): the same photo has the same identifier in every story.
            "uri": f"tag:{host},{photo.created_at:%Y-%m-%d}:photo:{photo.pk}",
            "type": "picture",
            "versionCreated": timestamp(photo.updated_at),
            "by": photo.credit_line,
            "copyrightHolder": photo.copyright_holder,
            "usageTerms": photo.usage_terms,
            "descriptions": [
                description
                for description in (
                    {"role": "caption", "contentType": "text/plain", "value": photo.caption},
                    {"role": "alt", "contentType": "text/plain", "value": photo.alt_text},
                )
                if description["value"]
            ],
            "renditions": [
                rendition(stored, request)
                for image_format in (Rendition.Format.JPEG, Rendition.Format.WEBP)
                for stored in by_format[image_format]
            ],
        }
    )


def correction(article, note, request):
    """Describe a correction or update as a note associated with the story (rel "correction" or "update")."""
    return {
        "name": note.get_kind_display(),
        "rel": note.kind,
        "uri": f"{story_uri(article, request)}#{note.kind}-{note.pk}",
        "type": "text",
        "versionCreated": timestamp(note.created_at),
        "bodies": [{"role": "main", "contentType": "text/plain", "value": note.text}],
    }


def publication_status(article):
    """
    Return "usable" for a story readers may see; "withheld" for one they will see later
    (scheduled or under embargo); "canceled" for one taken down or expired. The API only
    ever serves usable stories; webhook deliveries describe the others too.
    """
    if article.is_published():
        return "usable"
    if article.has_public_address() and not article.is_expired():
        return "withheld"
    return "canceled"


def copyright_holder():
    """Return who holds the copyright in the site's stories: the publisher, else the site by its name."""
    publisher = Organisation.objects.publisher()
    return publisher.name if publisher else settings.NEWSROOM_SITE_NAME


def story_as_ninjs(article, request=None) -> dict:
    """
    Describe a story as a ninjs 3.1 news item. Load it with `ninjs_queryset()`. Without
    a request, addresses are made absolute with NEWSROOM_SITE_URL (webhook deliveries).
    """
    bylines = list(article.bylines.all())
    holder = copyright_holder()
    url = absolute_url(article.get_absolute_url(), request)
    associations = [picture(article.photo, request)] if article.photo else []
    # The body's photos, in the order it shows them, with the API's answer they were prefetched for.
    body = Body(article.body, {photo.pk: photo for photo in article.inline_photos.all()})
    associations += [
        picture(photo, request, name=f"photo-{photo.pk}", rel="inline-picture") for photo in body.inline_photos
    ]
    associations += [correction(article, note, request) for note in article.corrections.all()]
    return compact(
        {
            "standard": STANDARD,
            "uri": story_uri(article, request),
            "type": "text",
            "representationType": "full",
            "version": str(article.version),
            "firstCreated": timestamp(article.published_at),
            "versionCreated": timestamp(article.last_modified_at),
            "embargoedUntil": timestamp(article.embargo_lifts_at),
            "expires": timestamp(article.expires_at),
            "pubStatus": publication_status(article),
            "copyrightHolder": holder,
            "copyrightNotice": f"© {(article.published_at or article.created_at):%Y} {holder}",
            "usageTerms": settings.NEWSROOM_USAGE_TERMS,
            "language": language_tag(),
            "slugline": article.slug,
            "headlines": [{"role": "main", "contentType": "text/plain", "value": article.headline}],
            "descriptions": [{"role": "summary", "contentType": "text/plain", "value": article.standfirst}]
            if article.standfirst
            else [],
            # Photos as <img> and embeds as links, addresses absolute, as in feeds.
            "bodies": [
                {
                    "role": "main",
                    "contentType": "text/html",
                    "value": body.for_feeds(lambda path: absolute_url(path, request)),
                }
            ],
            "by": byline_text(bylines),
            "people": [person(byline, request) for byline in bylines],
            "organisations": organisations(article, bylines, request),
            "subjects": subjects(article, request),
            "located": article.dateline,
            "places": [{"name": article.dateline, "rel": "dateline"}] if article.dateline else [],
            "renditions": [{"name": "web", "href": url, "contentType": "text/html", "title": article.headline}],
            "associations": associations,
            "altIds": [{"role": "id", "value": str(article.pk)}],
        }
    )
