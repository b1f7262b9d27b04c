"""
Turn wire items into drafts: read a file, folder or address, then take each item in its own
transaction, so a bad item leaves nothing behind and the rest of the batch still goes in.

Each item ends in one line of the report, naming it and saying what happened.
"""

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify

from articles.models import Article, Byline, EditConflict, Section
from articles.signals import article_edited
from authors.models import Author, Organisation
from newsroom import outbound
from photos.forms import PhotoForm

from . import formats
from .items import ItemError, Kind, is_newer
from .models import IngestedItem

MAX_TAGS = 20
URI_LENGTH = IngestedItem._meta.get_field("uri").max_length


@dataclass
class Report:
    """What one run did: a line per item, and how many items failed."""

    lines: list = field(default_factory=list)
    failed: int = 0

    def add(self, line, *, failed=False):
        self.lines.append(line)
        self.failed += failed

    def extend(self, other):
        self.lines.extend(other.lines)
        self.failed += other.failed


def is_url(location):
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", location, re.IGNORECASE))


def read_location(location, expected=""):
    """Return the WireItems and ItemErrors found at `location`: an http(s) address, a file or a folder."""
    max_bytes = settings.NEWSROOM_WIRE_MAX_BYTES
    if is_url(location):
        try:
            response = outbound.fetch(location, schemes=("https", "http"), max_bytes=max_bytes)
        except outbound.OutboundError as error:
            return [ItemError(location, f"not fetched: {error}")]
        return formats.read(response.body, location, expected)
    path = Path(location)
    if path.is_dir():
        files = sorted(child for child in path.iterdir() if child.is_file() and not child.name.startswith("."))
    elif path.is_file():
        files = [path]
    else:
        return [ItemError(location, "no such file or folder.")]
    results = []
    for file in files:
        size = file.stat().st_size
        if size > max_bytes:
            # Refused by its size alone, before a byte of it is read or parsed.
            results.append(
                ItemError(
                    str(file),
                    f"is {filesizeformat(size)}; wire files larger than {filesizeformat(max_bytes)} are refused.",
                )
            )
            continue
        results.extend(formats.read(file.read_bytes(), str(file), expected))
    return results


def ingest_location(location, source=None, section=None):
    """Ingest everything at `location` for `source` (which may be None); return the Report."""
    report = Report()
    expected = source.format if source else ""
    for item in read_location(location, expected):
        if isinstance(item, ItemError):
            report.add(f"ERROR {item.label}: {item.message}", failed=True)
        else:
            ingest_item(item, source, section, report)
    return report


def poll(source):
    """Poll one source's address or folder, note when and how it went on the source, and return the Report."""
    report = Report()
    if not source.location:
        report.add(f"ERROR {source}: the source has neither an address nor a folder.", failed=True)
    elif source.folder and not source.folder_is_allowed():
        report.add(f"ERROR {source}: {source.folder} is not under the wire drop folder; not read.", failed=True)
    elif source.folder:
        report = ingest_location(str(Path(settings.NEWSROOM_WIRE_DROP_ROOT, source.folder)), source)
    else:
        report = ingest_location(source.url, source)
    errors = [line for line in report.lines if line.startswith("ERROR")]
    type(source).objects.filter(pk=source.pk).update(last_polled_at=timezone.now(), last_error="\n".join(errors))
    return report


def agency_for(item, source):
    """Return the agency to name as the story's source: the source's, else the provider's (matched or created)."""
    if source is not None and source.organisation_id:
        return source.organisation
    name = item.provider.strip() or (source.name if source else "")
    if not name:
        return None
    found = Organisation.objects.filter(Q(name__iexact=name) | Q(short_name__iexact=name)).first()
    if found:
        return found
    slug = slugify(name)[:180] or "agency"
    if Organisation.objects.filter(slug=slug).exists():
        slug = f"{slug}-{secrets.token_hex(3)}"
    return Organisation.objects.create(name=name[:200], slug=slug, kind=Organisation.Kind.NEWS_AGENCY)


def matching_authors(byline):
    """Return the authors whose names appear in `byline` ("A and B", "A, B"), in order; the rest stay text."""
    names = [name.strip() for name in re.split(r",|\band\b|&|/", re.sub(r"^\s*by\s+", "", byline, flags=re.IGNORECASE))]
    authors = []
    for name in filter(None, names):
        author = Author.objects.filter(name__iexact=name).first()
        if author and author not in authors:
            authors.append(author)
    return authors


def unique_slug(headline):
    base = slugify(headline)[:180].strip("-") or "wire"
    if not Article.objects.filter(slug=base).exists():
        return base
    return f"{base}-{secrets.token_hex(4)}"


def clean_text(value, length):
    """Return `value` as plain text of at most `length` characters."""
    return Truncator(strip_tags(value or "").strip()).chars(length)


def fetch_picture(item, source):
    """
    Return (upload, picture, note) for the item's first picture: the upload is None and
    the note says why when the source does not allow it or it cannot be fetched.
    """
    if not item.pictures:
        return None, None, ""
    picture = item.pictures[0]
    if source is None or not source.allows_picture(picture.url):
        return None, picture, f"picture not fetched: {picture.url} is not on a scheme and host this source allows"
    try:
        response = outbound.fetch(
            picture.url,
            schemes=source.allowed_picture_schemes(),
            hosts=source.allowed_picture_hosts(),
            max_bytes=settings.NEWSROOM_MAX_IMAGE_BYTES,
        )
    except outbound.OutboundError as error:
        return None, picture, f"picture not fetched: {error}"
    name = Path(response.url.split("?")[0]).name or "picture"
    return SimpleUploadedFile(name, response.body, content_type=response.content_type), picture, ""


def save_picture(upload, picture, item, agency):
    """Add the picture to the library through the photo library's own form; return (photo, note)."""
    form = PhotoForm(
        data={
            "alt_text": clean_text(picture.caption or item.headline, 250),
            "caption": clean_text(picture.caption, 300),
            "credit": clean_text(picture.credit, 200),
            "source_organisation": agency.pk if agency else "",
            "copyright_holder": clean_text(picture.copyright or item.copyright, 200),
            "usage_terms": picture.usage_terms or item.usage_terms,
        },
        files={"image": upload},
    )
    if not form.is_valid():
        errors = "; ".join(message for messages in form.errors.values() for message in messages)
        return None, f"picture refused: {errors}"
    return form.save(), ""


def ingest_item(item, source, section, report):
    """Take one WireItem: create, update, hold for review, flag or skip; add its line to `report`."""
    label = item.label
    # Fetched before the item's transaction, which need not wait on an agency's server.
    picture = fetch_picture(item, source) if makes_a_draft(item) else (None, None, "")
    try:
        with transaction.atomic():
            line = take_item(item, source, section, label, picture)
    except Exception as error:  # noqa: BLE001 -- any failure of one item must leave the others going in.
        message = f"{type(error).__name__}: {error}" if not isinstance(error, ItemRefused) else str(error)
        report.add(f"ERROR {label}: {message}", failed=True)
        record_error(item, source, message)
        return
    report.add(line)


class ItemRefused(Exception):
    """An item that cannot become a draft; the message says why."""


def record_error(item, source, message):
    """Note the failure on the item's record, for the dashboard, without touching its story."""
    if len(item.uri) > URI_LENGTH:
        return  # No record can hold it; the report line says why.
    with transaction.atomic():
        record, _created = IngestedItem.objects.get_or_create(
            uri=item.uri,
            defaults={"source": source, "headline": clean_text(item.headline, 250), "version": ""},
        )
        record.status = IngestedItem.Status.ERROR
        record.error_message = message
        record.save(update_fields=["status", "error_message", "updated_at"])


def makes_a_draft(item):
    """Tell whether the item would become a new draft (so its picture is wanted): new text, never made into one."""
    if item.is_withdrawn or item.kind != Kind.TEXT or not item.pictures:
        return False
    return not IngestedItem.objects.filter(uri=item.uri, article__isnull=False).exists()


def take_item(item, source, section, label, picture):
    """Do what one item calls for, inside its transaction; return its report line or raise ItemRefused."""
    if len(item.uri) > URI_LENGTH:
        raise ItemRefused(f"the URI is longer than {URI_LENGTH} characters.")
    record = IngestedItem.objects.select_for_update().filter(uri=item.uri).first()
    if item.is_withdrawn:
        return withdraw(item, source, record, label)
    if item.kind != Kind.TEXT:
        return f"SKIPPED {label}: not text but {item.kind}; only text items become drafts."
    if not item.headline.strip():
        raise ItemRefused("the item has no headline.")
    if record is not None:
        newer = is_newer(item.version, item.version_created_at, record.version, record.version_created_at)
        # An item that failed last time is tried again, even at the same version.
        if not newer and record.status != IngestedItem.Status.ERROR:
            return f"UNCHANGED {label}: version {item.version or '(none)'} is already in; nothing changed."
        if record.article_id is not None:
            return update(item, record, label)
    section = section or (source.section if source else None) or Section.objects.order_by("position", "pk").first()
    if section is None:
        raise ItemRefused("there is no section to put the draft in; create one first.")
    return create(item, source, section, record, label, picture)


def story_fields(item, agency):
    """Return the story's fields as the item gives them, its body sanitised as copy from outside the newsroom."""
    return {
        "headline": clean_text(item.headline, 250),
        "standfirst": clean_text(item.standfirst, 2000),
        "body": item.newsroom_body(),
        "dateline": clean_text(item.place, 100),
        "embargo_lifts_at": item.embargoed_until,
        "embargoed_by": agency if item.embargoed_until else None,
    }


def record_fields(item, source):
    return {
        "source": source,
        "version": item.version[:100],
        "version_created_at": item.version_created_at,
        "headline": clean_text(item.headline, 250),
        "byline": clean_text(item.byline, 250),
        "language": item.language[:20],
        "copyright": item.copyright,
        "usage_terms": item.usage_terms,
        "notice": item.notice,
        "error_message": "",
    }


def tag_names(item):
    return list(dict.fromkeys(clean_text(subject, 100) for subject in item.subjects if subject.strip()))[:MAX_TAGS]


def create(item, source, section, record, label, picture):
    """Make a draft from the item and its record; `picture` is what fetch_picture() returned."""
    agency = agency_for(item, source)
    upload, picture, note = picture
    article = Article(section=section, slug=unique_slug(item.headline), status=Article.Status.DRAFT)
    for name, value in story_fields(item, agency).items():
        setattr(article, name, value)
    if upload is not None:
        article.photo, note = save_picture(upload, picture, item, agency)
    article.full_clean(exclude=["slug", "body"], validate_unique=False)
    # created_by stays empty: no one at the newsroom wrote it; the record names the source.
    article.save()
    if agency:
        article.sources.add(agency)
    article.tags.set(tag_names(item))
    for position, author in enumerate(matching_authors(item.byline)):
        Byline.objects.create(article=article, author=author, position=position)
    article_edited.send(sender=Article, article=article, user=None, created=True)
    article.refresh_from_db(fields=["version"])
    fields = record_fields(item, source) | {
        "article": article,
        "article_version": article.version,
        "status": IngestedItem.Status.INGESTED,
        "pending_version": "",
        "pending_data": {},
    }
    if record is None:
        record = IngestedItem.objects.create(uri=item.uri, **fields)
    else:
        for name, value in fields.items():
            setattr(record, name, value)
        record.save()
    suffix = f" ({note})" if note else (" with its picture" if article.photo_id else "")
    return f"CREATED {label}: draft “{article.headline}” (story {article.pk}){suffix}."


def update(item, record, label):
    """Bring a newer version into the draft, or keep it for an editor when the story is out of ingest's hands."""
    article = Article.objects.select_for_update().get(pk=record.article_id)
    fields = record_fields(item, record.source)
    untouched = article.status == Article.Status.DRAFT and article.published_at is None
    untouched = untouched and article.version == record.article_version
    if not untouched:
        # Published, in review, or edited by someone: never changed behind an editor's back.
        fields |= {"pending_version": item.version[:100], "pending_data": item.pending_data()}
        fields.pop("headline")
        for name, value in fields.items():
            if name not in ("version", "version_created_at"):
                setattr(record, name, value)
        record.pending_version, record.pending_data = fields["pending_version"], fields["pending_data"]
        record.save()
        return (
            f"HELD {label}: version {item.version} is waiting for an editor; the story "
            f"({article.get_status_display().lower()}, story {article.pk}) was not changed."
        )
    agency = agency_for(item, record.source)
    for name, value in story_fields(item, agency).items():
        setattr(article, name, value)
    article.full_clean(exclude=["slug", "body"], validate_unique=False)
    try:
        article.save()
    except EditConflict:
        raise ItemRefused("someone saved the story at the same moment; the update will be tried again.") from None
    article.tags.set(tag_names(item))
    article_edited.send(sender=Article, article=article, user=None, created=False)
    article.refresh_from_db(fields=["version"])
    for name, value in (fields | {"article_version": article.version, "status": IngestedItem.Status.UPDATED}).items():
        setattr(record, name, value)
    record.save()
    return f"UPDATED {label}: draft “{article.headline}” (story {article.pk}) now has version {item.version}."


def withdraw(item, source, record, label):
    """Flag the item and its story as withdrawn; only an editor takes a story down."""
    if record is None:
        record = IngestedItem(uri=item.uri, **record_fields(item, source))
    elif is_newer(item.version, item.version_created_at, record.version, record.version_created_at):
        # The withdrawal is the newest version: the versions before it, read again, change nothing.
        record.version, record.version_created_at = item.version[:100], item.version_created_at
    record.status = IngestedItem.Status.WITHDRAWN
    record.notice = item.notice or record.notice
    record.error_message = ""
    record.save()
    story = f"story {record.article_id} is flagged on the newsdesk" if record.article_id else "no story was made"
    return f"WITHDRAWN {label}: the agency withdrew it ({item.pubstatus}{'; ' + item.notice if item.notice else ''}); {story}."
