"""RSS and Atom feeds, read by feedparser once defusedxml has found the XML safe (see `formats.read_xml`)."""

import hashlib
from datetime import UTC, datetime

import feedparser
from django.utils.html import strip_tags

from ..items import ItemError, Kind, Picture, WireItem, text_to_html

FEED_ROOTS = {"rss", "feed", "RDF"}


def is_feed(root):
    return root.tag.rpartition("}")[2] in FEED_ROOTS


def as_time(parsed):
    """Return feedparser's time tuple (UTC) as an aware datetime, or None."""
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def html_of(detail):
    """Return a feedparser text construct (already sanitised by feedparser) as HTML."""
    value = detail.get("value", "")
    is_html = "html" in detail.get("type", "text/html") and "<" in value
    return value if is_html else text_to_html(value)


def parse(data, label):
    """Return a WireItem or ItemError for each entry of the feed in `data` (bytes) read from `label`."""
    feed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if not feed.entries and feed.bozo:
        return [ItemError(label, f"not a readable feed ({feed.bozo_exception}).")]
    language = feed.feed.get("language", "")
    rights = feed.feed.get("rights", "")
    provider = feed.feed.get("title", "")
    results = []
    for position, entry in enumerate(feed.entries, start=1):
        uri = entry.get("id") or entry.get("link") or ""
        item_label = f"{label} entry {position}" + (f" ({uri})" if uri else "")
        if not uri:
            results.append(ItemError(item_label, "has neither an id (guid) nor a link."))
            continue
        summary = html_of(entry["summary_detail"]) if entry.get("summary_detail") else ""
        body = html_of(entry["content"][0]) if entry.get("content") else ""
        # Asked for only when present: feedparser warns when it falls back from one to the other.
        updated = as_time(
            entry["updated_parsed"] if dict.__contains__(entry, "updated") else entry.get("published_parsed")
        )
        if updated:
            version = updated.isoformat()
        else:
            # Without a date, what the entry says tells one version from the next.
            version = hashlib.sha256((entry.get("title", "") + summary + body).encode()).hexdigest()[:16]
        results.append(
            WireItem(
                uri=uri,
                version=version,
                version_created_at=updated,
                kind=Kind.TEXT,
                headline=entry.get("title", ""),
                # A summary beside a full text is the standfirst; alone, it is the story.
                standfirst=strip_tags(entry.get("summary", "")).strip() if body else "",
                body_html=body or summary,
                byline=entry.get("author", ""),
                language=entry.get("language", "") or language,
                subjects=[tag["term"] for tag in entry.get("tags", []) if tag.get("term")],
                provider=provider,
                copyright=entry.get("rights", "") or rights,
                pictures=pictures_of(entry),
            )
        )
    return results


def pictures_of(entry):
    """Return the pictures of an entry: its media:content and image enclosures."""
    pictures = []
    for media in entry.get("media_content", []):
        if media.get("url") and (media.get("medium") == "image" or media.get("type", "").startswith("image/")):
            pictures.append(Picture(url=media["url"], caption=entry.get("media_description", "") or ""))
    for link in entry.get("enclosures", []):
        if link.get("href") and link.get("type", "").startswith("image/"):
            pictures.append(Picture(url=link["href"]))
    if pictures:
        pictures[0].credit = entry.get("credit", "")
    return pictures
