"""
Revisions and restores: every saved state of an article, and the way back to one.

The receivers in editing.receivers record a revision after every save made through
the admin's form and after every workflow transition; `record_revision` is the one
function that writes them. Locking itself lives on `Article.save()` (see
`articles.models.EditConflict`).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.models import Article, Byline, Section
from authors.models import Author, Organisation
from photos.models import Photo

from .models import Revision

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
# Text a restore brings back; the address (slug) and the publication state are the
# workflow's, so a restore never moves or unpublishes a story.
RESTORED_TEXT_FIELDS = ["headline", "standfirst", "body", "dateline"]
DATETIME_DISPLAY = "j F Y, H:i"


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
