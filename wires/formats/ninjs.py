"""
IPTC ninjs 1.x, 2.x and 3.x: one item or a list of them.

The versions name the same things differently: 1.x has `headline`, `body_html` and
`subject`; 2.x has arrays (`headlines`, `bodies`, `subjects`) with lower-case keys
(`versioncreated`); 3.x the same arrays with camelCase keys (`versionCreated`,
`embargoedUntil`). Each field is read from whichever name is present.
"""

import json

from ..items import ItemError, Kind, Picture, PubStatus, WireItem, parse_time, text_to_html

HTML_TYPES = ("html", "xhtml")
PICTURE_KINDS = {Kind.PICTURE, Kind.GRAPHIC}
# The rendition to fetch, best first; otherwise the widest.
RENDITION_PREFERENCE = ("highres", "original", "baseimage", "main", "viewimage")


def parse(data, label):
    """Return a WireItem or ItemError for each item in ninjs `data` (bytes) read from `label`."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [ItemError(label, f"not valid JSON ({error}).")]
    objects = document if isinstance(document, list) else [document]
    results = []
    for position, obj in enumerate(objects, start=1):
        item_label = label if len(objects) == 1 else f"{label} item {position}"
        if not isinstance(obj, dict):
            results.append(ItemError(item_label, "not a ninjs object."))
            continue
        if not isinstance(obj.get("uri"), str) or not obj["uri"].strip():
            results.append(ItemError(item_label, "has no uri; ninjs items must have one."))
            continue
        try:
            results.append(read_item(obj))
        except (TypeError, AttributeError, ValueError, KeyError) as error:
            results.append(ItemError(f"{item_label} ({obj['uri']})", f"is not ninjs as expected ({error})."))
    return results


def first(obj, *names, default=None):
    """Return the value of the first of `names` that `obj` has."""
    for name in names:
        if obj.get(name) not in (None, "", [], {}):
            return obj[name]
    return default


def as_list(value):
    """ninjs 1.x keeps some arrays as objects keyed by name; give them as lists."""
    if isinstance(value, dict):
        return [dict(entry, name=entry.get("name", name)) for name, entry in value.items() if isinstance(entry, dict)]
    return value if isinstance(value, list) else []


def content_type(entry):
    return (first(entry, "contentType", "contenttype", default="") or "").lower()


def pick(entries, roles):
    """Return the entry whose role is first in `roles`, else the first entry, else None."""
    entries = [entry for entry in entries if isinstance(entry, dict) and entry.get("value")]
    for role in roles:
        for entry in entries:
            if (entry.get("role") or "").lower() == role:
                return entry
    return entries[0] if entries else None


def html_of(entries):
    """Return the richest of text entries (`bodies` or `descriptions`) as HTML."""
    entries = [entry for entry in entries if isinstance(entry, dict) and entry.get("value")]
    for entry in entries:
        if any(kind in content_type(entry) for kind in HTML_TYPES) or (entry.get("role") or "") == "richtext":
            return entry["value"]
    return text_to_html(entries[0]["value"]) if entries else ""


def text_of(entries):
    """Return the plain text of text entries, preferring a text/plain one."""
    entries = [entry for entry in entries if isinstance(entry, dict) and entry.get("value")]
    for entry in entries:
        if not any(kind in content_type(entry) for kind in HTML_TYPES) and (entry.get("role") or "") != "richtext":
            return entry["value"]
    return ""


def pictures_of(obj):
    """Return the pictures an item carries: its associated pictures and graphics, each at its best rendition."""
    pictures = []
    for association in as_list(obj.get("associations")):
        if (association.get("type") or "") not in PICTURE_KINDS:
            continue
        if url := best_rendition(as_list(association.get("renditions"))):
            pictures.append(
                Picture(
                    url=url,
                    caption=text_of(as_list(association.get("descriptions")))
                    or first(association, "description_text", "headline", default=""),
                    credit=first(association, "by", "byline", default=""),
                    copyright=first(association, "copyrightNotice", "copyrightnotice", default=""),
                    usage_terms=first(association, "usageTerms", "usageterms", default=""),
                )
            )
    return pictures


def best_rendition(renditions):
    with_href = [rendition for rendition in renditions if rendition.get("href")]
    for name in RENDITION_PREFERENCE:
        for rendition in with_href:
            if (rendition.get("name") or "").lower() == name:
                return rendition["href"]
    with_href.sort(key=lambda rendition: rendition.get("width") or 0, reverse=True)
    return with_href[0]["href"] if with_href else ""


def read_item(obj):
    """Return the WireItem a ninjs object describes."""
    headline = obj.get("headline") if isinstance(obj.get("headline"), str) else ""
    if entry := pick(as_list(obj.get("headlines")), ("main", "simple")):
        headline = entry["value"]
    body = first(obj, "body_html") or (text_to_html(obj["body_text"]) if obj.get("body_text") else "")
    if bodies := as_list(obj.get("bodies")):
        body = html_of(bodies)
    standfirst = first(obj, "description_text", "headline_extended", default="")
    if descriptions := as_list(obj.get("descriptions")):
        standfirst = text_of(descriptions) or standfirst
    subjects = as_list(obj.get("subjects")) or as_list(obj.get("subject"))
    places = as_list(obj.get("places")) or as_list(obj.get("place"))
    kind = obj.get("type") or Kind.TEXT
    if kind == Kind.COMPOSITE and body and headline:
        # A story with its pictures and graphics attached, as press-release wires send them.
        kind = Kind.TEXT
    pictures = pictures_of(obj)
    if kind in PICTURE_KINDS and (url := best_rendition(as_list(obj.get("renditions")))):
        pictures.insert(0, Picture(url=url, caption=standfirst or headline, credit=obj.get("by") or ""))
    # Without a version, the time it was made tells one version from the next.
    version = first(obj, "version", "versionCreated", "versioncreated", default="")
    return WireItem(
        uri=obj["uri"].strip(),
        version=str(version),
        version_created_at=parse_time(first(obj, "versionCreated", "versioncreated")),
        kind=kind if kind in vars(Kind).values() else Kind.OTHER,
        headline=headline.strip(),
        standfirst=standfirst.strip(),
        body_html=body,
        byline=first(obj, "by", "byline", default=""),
        language=first(obj, "language", default=""),
        subjects=[subject["name"] for subject in subjects if subject.get("name")],
        place=first(obj, "located", default="") or next((place["name"] for place in places if place.get("name")), ""),
        embargoed_until=parse_time(first(obj, "embargoedUntil", "embargoed")),
        pubstatus=(first(obj, "pubStatus", "pubstatus", default=PubStatus.USABLE) or "").lower(),
        copyright=first(obj, "copyrightNotice", "copyrightnotice", "copyrightHolder", "copyrightholder", default=""),
        usage_terms=first(obj, "usageTerms", "usageterms", default=""),
        pictures=pictures,
        notice=first(obj, "edNote", "ednote", default=""),
    )
