"""What every wire format is read into, so that ingest works the same whatever the agency sends."""

import html
import re
from dataclasses import dataclass, field, fields
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.html import sanitise_html


class Kind:
    """The kinds of item agencies send; only text becomes a draft."""

    TEXT = "text"
    PICTURE = "picture"
    GRAPHIC = "graphic"
    VIDEO = "video"
    AUDIO = "audio"
    EVENT = "event"
    COMPOSITE = "composite"
    OTHER = "other"


class PubStatus:
    USABLE = "usable"
    WITHHELD = "withheld"
    CANCELED = "canceled"


class DropsNulBytes:
    """
    Drop NUL bytes from a dataclass's text as it is made: an agency's stray one would
    otherwise fail the item's save on PostgreSQL, and then the note of its failure too.
    """

    def __post_init__(self):
        for attribute in fields(self):
            value = getattr(self, attribute.name)
            if isinstance(value, str):
                setattr(self, attribute.name, value.replace("\x00", ""))
            elif isinstance(value, list):
                parts = [part.replace("\x00", "") if isinstance(part, str) else part for part in value]
                setattr(self, attribute.name, parts)


@dataclass
class Picture(DropsNulBytes):
    """A picture that comes with an item: where to fetch it and what it says about itself."""

    url: str
    caption: str = ""
    credit: str = ""
    copyright: str = ""
    usage_terms: str = ""


@dataclass
class WireItem(DropsNulBytes):
    """One agency item, in no particular format."""

    uri: str
    version: str = ""
    version_created_at: datetime | None = None
    kind: str = Kind.TEXT
    headline: str = ""
    standfirst: str = ""
    body_html: str = ""
    byline: str = ""
    language: str = ""
    subjects: list = field(default_factory=list)
    place: str = ""
    embargoed_until: datetime | None = None
    pubstatus: str = PubStatus.USABLE
    provider: str = ""
    copyright: str = ""
    usage_terms: str = ""
    pictures: list = field(default_factory=list)
    # A notice the agency put on the item ("KILL: legal reasons"), shown to editors.
    notice: str = ""
    # The file or address the item was read from, for the report.
    origin: str = ""

    @property
    def label(self):
        return f"{self.origin} ({self.uri})" if self.origin and self.origin != self.uri else self.uri

    @property
    def is_withdrawn(self):
        """Tell whether the agency withheld or cancelled the item, or sent a kill notice for it."""
        return self.pubstatus in (PubStatus.WITHHELD, PubStatus.CANCELED) or bool(KILL_NOTICE.match(self.notice))

    def newsroom_body(self):
        """Return the body as the newsroom keeps it: sanitised, and with no reference to a photo in our library."""
        return sanitise_html(self.body_html, from_outside=True)

    def pending_data(self):
        """Return what an update carries for an editor to review, as JSON-ready data."""
        return {
            "version": self.version,
            "headline": self.headline,
            "standfirst": self.standfirst,
            "body": self.newsroom_body(),
            "byline": self.byline,
            "dateline": self.place,
        }


@dataclass
class ItemError:
    """An item (or a whole file) that could not be read; `label` names it, `message` says why."""

    label: str
    message: str


# Agencies' kill and withdrawal notices start so, in an editorial note: "KILL: ...", "WITHDRAWN - ...".
KILL_NOTICE = re.compile(r"\s*(mandatory\s+)?(kill|withdraw|withdrawn|eliminate)\b", re.IGNORECASE)


def text_to_html(text):
    """Turn plain text into paragraphs: a blank line, or a line break, starts a new one."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n|\r?\n", text or "") if part.strip()]
    return "".join(f"<p>{html.escape(part, quote=False)}</p>" for part in paragraphs)


def parse_time(value):
    """Return an aware datetime from an ISO 8601 string (None if empty or unreadable)."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.UTC)
    return parsed


def is_newer(version, created_at, stored_version, stored_created_at):
    """
    Tell whether an item's (version, time) is newer than the stored one: by number when
    both versions are numbers, else by the time each version was made, else any other
    version string counts as newer.
    """
    if version == stored_version:
        return False
    if version.isdigit() and stored_version.isdigit():
        return int(version) > int(stored_version)
    if created_at and stored_created_at:
        return created_at > stored_created_at
    return True
