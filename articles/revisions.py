"""
Revisions, restores, diffs, autosaves and presence: what keeps editors from losing text.

The one entry point for recording history is `record_revision(article, user, reason=...)`;
call it once after every save of an article whose relations (tags, bylines, sources) are
saved too. Locking itself lives on `Article.save()` (see `articles.models.EditConflict`).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from html.parser import HTMLParser
from itertools import zip_longest

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from authors.models import Author, Organisation
from photos.models import Photo

from .html import sanitise_html
from .models import Article, ArticlePresence, Autosave, Byline, Revision, Section

# The fields a revision records, in the order a diff shows them.
SNAPSHOT_FIELDS = [
    "headline",
    "standfirst",
    "body",
    "section",
    "bylines",
    "tags",
    "sources",
    "dateline",
    "slug",
    "photo",
    "status",
    "published_at",
]
# What autosave keeps: the text an editor types, not the placement or the workflow.
AUTOSAVE_FIELDS = ["headline", "standfirst", "body"]
# Text a restore brings back; the address (slug) and the publication state are the
# workflow's, so a restore never moves or unpublishes a story.
RESTORED_TEXT_FIELDS = ["headline", "standfirst", "body", "dateline"]
DATETIME_DISPLAY = "j F Y, H:i"
SIMILAR_LINE_RATIO = 0.4
DIFF_CONTEXT_LINES = 2


# -- Snapshots and revisions -------------------------------------------------------------


def _stored(article):
    # Read afresh: the admin's copy carries prefetched bylines from before the inlines were saved.
    return Article.objects.select_related("section", "photo").get(pk=article.pk)


def snapshot(article):
    """Return the stored state of `article`, with its relations, as JSON-ready data."""
    return _snapshot_of(_stored(article))


def _snapshot_of(stored):
    bylines = Byline.objects.filter(article=stored).select_related("author").order_by("position", "pk")
    return {
        "headline": stored.headline,
        "standfirst": stored.standfirst,
        "body": stored.body,
        "section": {"id": stored.section_id, "name": stored.section.name},
        "bylines": [{"author": b.author_id, "name": b.author.name, "role": b.role} for b in bylines],
        "tags": sorted(stored.tags.names(), key=str.casefold),
        "sources": [{"id": o.pk, "name": o.name} for o in stored.sources.order_by("name", "pk")],
        "dateline": stored.dateline,
        "slug": stored.slug,
        "photo": {"id": stored.photo_id, "alt_text": stored.photo.alt_text} if stored.photo else None,
        "status": stored.status,
        "published_at": stored.published_at.isoformat() if stored.published_at else None,
    }


def record_revision(article, user=None, *, reason=""):
    """
    Record `article` as it is now stored, with its tags, bylines and sources, as a revision
    saved by `user` (None for a system change) and return it.

    Call it once after a save, when the article's relations are saved as well. A call with no
    reason that would repeat the latest revision exactly returns that revision instead.
    """
    stored = _stored(article)
    data = _snapshot_of(stored)
    latest = Revision.objects.filter(article_id=article.pk).order_by("-version", "-pk").first()
    if latest is not None and not reason and latest.data == data:
        return latest
    return Revision.objects.create(
        article_id=article.pk,
        version=stored.version,
        created_by=user,
        reason=Truncator(reason).chars(Revision._meta.get_field("reason").max_length),
        data=data,
    )


def record_unrecorded(article):
    """Record `article`'s current version if no revision does yet, as after a save made in code."""
    if not Revision.objects.filter(article_id=article.pk, version=article.version).exists():
        record_revision(article)


def last_save(article):
    """Return who saved `article`'s current version (None if unknown) and when."""
    revision = (
        Revision.objects.filter(article_id=article.pk, version=article.version).select_related("created_by").first()
    )
    return (revision.created_by if revision else None), article.updated_at


def display_name(user):
    """Return the name to show for `user`: the full name, or else the username."""
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


@dataclass
class RestoreResult:
    revision: Revision
    notes: list = field(default_factory=list)


def restore_revision(revision, user):
    """
    Bring back the content `revision` recorded as a new save and a new revision by `user`.

    Nothing is deleted from the history: if the stored article holds changes no revision
    recorded, they are recorded first. The slug and the publication state stay as they are.
    Raises `EditConflict` if the article is saved by someone else at the same moment.
    """
    data = revision.data
    notes = []
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        latest = article.revisions.order_by("-version", "-pk").first()
        if latest is None or latest.data != snapshot(article):
            record_revision(article, None, reason=_("Changes not recorded before, kept before a restore"))

        for name in RESTORED_TEXT_FIELDS:
            setattr(article, name, data.get(name, ""))
        section_id = (data.get("section") or {}).get("id")
        if Section.objects.filter(pk=section_id).exists():
            article.section_id = section_id
        else:
            notes.append(_("The section “%s” no longer exists; the current one is kept.") % data["section"]["name"])
        photo = data.get("photo")
        if photo is None or Photo.objects.filter(pk=photo["id"]).exists():
            article.photo_id = photo and photo["id"]
        else:
            notes.append(_("The photo of that revision was deleted from the library; the current one is kept."))
        article.save()

        article.tags.set(data.get("tags", []))
        source_ids = [source["id"] for source in data.get("sources", [])]
        sources = list(Organisation.objects.filter(pk__in=source_ids))
        article.sources.set(sources)
        if len(sources) < len(source_ids):
            notes.append(_("Some sources of that revision no longer exist and were left out."))
        _restore_bylines(article, data.get("bylines", []), notes)

        when = format_date(timezone.localtime(revision.created_at), DATETIME_DISPLAY)
        reason = _("Restored the revision of %(when)s by %(name)s") % {
            "when": when,
            "name": display_name(revision.created_by),
        }
        return RestoreResult(record_revision(article, user, reason=reason), notes)


def _restore_bylines(article, bylines, notes):
    """Replace the article's bylines with those recorded, skipping authors since deleted."""
    existing = set(Author.objects.filter(pk__in=[b["author"] for b in bylines]).values_list("pk", flat=True))
    kept = [b for b in bylines if b["author"] in existing]
    if not kept:
        notes.append(_("None of the authors of that revision exist any more; the current bylines are kept."))
        return
    if len(kept) < len(bylines):
        notes.append(_("Some authors of that revision no longer exist and were left out of the byline."))
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author_id=b["author"], role=b["role"], position=position)
        for position, b in enumerate(kept)
    )


# -- Diffs -------------------------------------------------------------------------------


class _TextLines(HTMLParser):
    """Turn body HTML into lines of plain text, one per paragraph, heading or list item."""

    BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "figure", "figcaption", "ul", "ol", "br", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.hrefs = []

    def _break(self):
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._break()
        if tag == "li":
            self.lines[-1] += "• "
        elif tag == "hr":
            self.lines[-1] = "———"
            self._break()
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag == "a" and self.hrefs:
            # A changed link target would otherwise be invisible in the diff.
            if href := self.hrefs.pop():
                self.lines[-1] += f" <{href}>"
        elif tag in self.BLOCKS:
            self._break()

    def handle_data(self, data):
        self.lines[-1] += re.sub(r"\s+", " ", data)


def html_to_lines(html):
    """Return the text of `html`, one line per block, without tags."""
    parser = _TextLines()
    parser.feed(html or "")
    parser.close()
    return [line.strip() for line in parser.lines if line.strip()]


def _display_datetime(value):
    return format_date(timezone.localtime(datetime.fromisoformat(value)), DATETIME_DISPLAY) if value else ""


def field_lines(name, data):
    """Return field `name` of snapshot `data` as lines of readable text."""
    value = data.get(name)
    if name == "body":
        return html_to_lines(value)
    if name == "section":
        return [value["name"]] if value else []
    if name == "bylines":
        return [f"{b['name']} ({b['role']})" if b["role"] else b["name"] for b in value or []]
    if name == "sources":
        return [source["name"] for source in value or []]
    if name == "tags":
        return list(value or [])
    if name == "status":
        return [str(Article.Status(value).label)] if value in Article.Status.values else ([value] if value else [])
    if name == "published_at":
        return [_display_datetime(value)] if value else []
    return [line for line in str(value or "").splitlines() if line.strip()]


def field_label(name):
    """Return the label editors know field `name` by."""
    if name == "bylines":
        return str(Byline._meta.verbose_name_plural).capitalize()
    return str(Article._meta.get_field(name).verbose_name).capitalize()


@dataclass
class DiffLine:
    """One line of a diff: `kind` is equal, delete, insert, change or skip (unchanged lines left out)."""

    kind: str
    segments: list = field(default_factory=list)
    skipped: int = 0


@dataclass
class FieldDiff:
    name: str
    label: str
    lines: list

    @property
    def changed(self):
        return any(line.kind not in {"equal", "skip"} for line in self.lines)


def _words(line):
    return re.findall(r"\w+|\s+|[^\w\s]", line)


def _line_change(old, new):
    """Return one changed line as segments, with the words taken out and put in marked."""
    old_words, new_words = _words(old), _words(new)
    segments = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("equal", "".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", "".join(old_words[i1:i2])))
        if j2 > j1:
            segments.append(("insert", "".join(new_words[j1:j2])))
    return DiffLine("change", segments)


def diff_lines(old, new, context=DIFF_CONTEXT_LINES):
    """Compare two lists of lines; keep `context` unchanged lines around each change."""
    rows = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(DiffLine("equal", [("equal", line)]) for line in old[i1:i2])
            continue
        for before, after in zip_longest(old[i1:i2], new[j1:j2]):
            if before is not None and after is not None:
                if SequenceMatcher(None, before, after, autojunk=False).ratio() >= SIMILAR_LINE_RATIO:
                    rows.append(_line_change(before, after))
                    continue
            if before is not None:
                rows.append(DiffLine("delete", [("delete", before)]))
            if after is not None:
                rows.append(DiffLine("insert", [("insert", after)]))
    return _elide_unchanged(rows, context)


def _elide_unchanged(rows, context):
    changed = [index for index, row in enumerate(rows) if row.kind != "equal"]
    if not changed:
        return rows
    keep = {i for index in changed for i in range(index - context, index + context + 1)}
    result = []
    for index, row in enumerate(rows):
        if index in keep:
            result.append(row)
        elif result and result[-1].kind == "skip":
            result[-1].skipped += 1
        else:
            result.append(DiffLine("skip", skipped=1))
    return result


def compare(old, new, fields=SNAPSHOT_FIELDS):
    """Return the diffs of the fields that differ between two snapshots, from `old` to `new`."""
    diffs = (
        FieldDiff(name, field_label(name), diff_lines(field_lines(name, old), field_lines(name, new)))
        for name in fields
    )
    return [diff for diff in diffs if diff.changed]


def changed_fields(old, new):
    """Return the labels of the fields that differ between two snapshots."""
    return [field_label(name) for name in SNAPSHOT_FIELDS if field_lines(name, old) != field_lines(name, new)]


# -- Presence and autosave ---------------------------------------------------------------


def note_presence(article, user):
    """Record that `user` has `article`'s change form open now."""
    ArticlePresence.objects.update_or_create(article=article, user=user, defaults={"seen_at": timezone.now()})


def leave(article, user):
    """Record that `user` no longer has `article`'s change form open."""
    ArticlePresence.objects.filter(article=article, user=user).delete()


def others_present(article, user):
    """Return who else had `article`'s change form open lately, most recent first."""
    return list(
        ArticlePresence.objects.recent()
        .filter(article=article)
        .exclude(user=user)
        .select_related("user")
        .order_by("-seen_at")
    )


def store_autosave(article, user, *, version, headline, standfirst, body):
    """Keep `user`'s unsaved text of `article`, replacing the one kept before; return it."""
    body = sanitise_html(body)
    autosave, _created = Autosave.objects.update_or_create(
        article=article,
        user=user,
        defaults={
            "version": version,
            "headline": headline,
            "standfirst": standfirst,
            "body": body,
            "saved_at": timezone.now(),
        },
    )
    return autosave


def pending_autosave(article, user):
    """Return `user`'s autosave of `article` if its text differs from the stored text, else None."""
    autosave = Autosave.objects.filter(article=article, user=user).first()
    if autosave is None or all(getattr(autosave, name) == getattr(article, name) for name in AUTOSAVE_FIELDS):
        return None
    return autosave


def discard_autosave(article, user):
    """Forget `user`'s unsaved text of `article`."""
    Autosave.objects.filter(article=article, user=user).delete()
