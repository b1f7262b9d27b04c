"""
Who may do what to a story, in one place.

Each transition is a function (`submit`, `send_back`, `publish`, `schedule`,
`unpublish`, `spike`, `restore`) that checks the user's permission and the
article's state, makes the change, records it as an `ArticleTransition` and
returns that record, or raises a `WorkflowError` saying why not. The admin's
buttons and bulk actions only call these functions, and ask the `can_*` functions
here what to offer. (The editing app records a revision for every transition.)

    draft --submit--> review --publish/schedule--> published
      ^                 |                              |
      +----send_back----+                              |
      +-------------------------unpublish--------------+
    draft/review --spike--> spiked --restore--> draft
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import Article, ArticleTransition, Correction, RelatedStory

Status = Article.Status
Action = ArticleTransition.Action


class WorkflowError(Exception):
    """A transition or correction that cannot happen; the message says why."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        # The argument at fault ("note" or "published_at"), so a form can show the error beside it.
        self.field = field


class TransitionNotPermitted(WorkflowError, PermissionDenied):
    """The user's role does not allow this change to this article."""


class TransitionNotAllowed(WorkflowError):
    """The article's state, its embargo or expiry, or a missing note rules the change out."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    permission: str
    # The message shown when the note is missing; empty when a note is optional.
    note_required: str = ""

    def allows_state(self, article):
        """Tell whether the article's state lets this transition start."""
        if article.status not in self.sources:
            return False
        if article.status == Status.PUBLISHED and self.target == Status.PUBLISHED:
            # Publishing again is how a scheduled story is brought forward or moved;
            # a live story is changed by editing it, or taken down with Unpublish.
            return article.is_scheduled()
        return True


SUBMIT = Transition(
    Action.SUBMIT, _("Submit for review"), frozenset({Status.DRAFT}), Status.REVIEW, "articles.submit_article"
)
SEND_BACK = Transition(
    Action.SEND_BACK,
    _("Send back"),
    frozenset({Status.REVIEW}),
    Status.DRAFT,
    "articles.send_back_article",
    note_required=_("Write a note telling the reporter what to change."),
)
PUBLISH = Transition(
    Action.PUBLISH,
    _("Publish"),
    frozenset({Status.DRAFT, Status.REVIEW, Status.PUBLISHED}),
    Status.PUBLISHED,
    "articles.publish_article",
)
SCHEDULE = Transition(
    Action.SCHEDULE,
    _("Schedule"),
    frozenset({Status.DRAFT, Status.REVIEW, Status.PUBLISHED}),
    Status.PUBLISHED,
    "articles.publish_article",
)
UNPUBLISH = Transition(
    Action.UNPUBLISH,
    _("Unpublish"),
    frozenset({Status.PUBLISHED}),
    Status.DRAFT,
    "articles.publish_article",
    note_required=_("Give the reason for unpublishing."),
)
SPIKE = Transition(
    Action.SPIKE, _("Spike"), frozenset({Status.DRAFT, Status.REVIEW}), Status.SPIKED, "articles.spike_article"
)
RESTORE = Transition(Action.RESTORE, _("Restore"), frozenset({Status.SPIKED}), Status.DRAFT, "articles.spike_article")

TRANSITIONS = {
    transition.action: transition for transition in (SUBMIT, SEND_BACK, PUBLISH, SCHEDULE, UNPUBLISH, SPIKE, RESTORE)
}


def may_start(user, transition):
    """Tell whether `user`'s role allows `transition` at all: on the articles they may edit, in the right state."""
    return user.has_perm(transition.permission)


def writes_stories(user):
    """Tell whether `user` may write and change stories: their own drafts at least."""
    return user.has_perm("articles.change_article")


def can_close_comments(user):
    """Tell whether `user` may open and close comments on the stories they may edit."""
    return user.has_perm("articles.close_comments")


def takes_corrections(article):
    """Tell whether the article's state lets it carry public corrections and updates: published."""
    return article.status == Status.PUBLISHED


def is_editor(user):
    """Tell whether `user` may work on every article, whoever wrote it and whatever its state."""
    return user.has_perm("articles.change_any_article")


def can_edit(user, article):
    """Tell whether `user` may change the article's content: editors always, reporters their own drafts."""
    if not writes_stories(user):
        return False
    return is_editor(user) or (article.status == Status.DRAFT and article.is_owned_by(user))


def can_delete(user, article):
    """Tell whether `user` may delete the article: editors, or its reporter while it is a never-published draft."""
    if not user.has_perm("articles.delete_article"):
        return False
    if is_editor(user):
        return True
    return article.status == Status.DRAFT and article.published_at is None and article.is_owned_by(user)


def can_preview(user, article):
    """Tell whether `user` may read the article before readers can: its owners and the editors."""
    return is_editor(user) or (user.has_perm("articles.view_article") and article.is_owned_by(user))


def format_time(value):
    """Return a time as messages show it, in the newsroom's time zone."""
    return date_format(timezone.localtime(value), "j F Y, H:i T")


def publication_time_error(article, published_at):
    """Return why the article may not go public at `published_at`, or None if it may."""
    if article.embargo_lifts_at and published_at < article.embargo_lifts_at:
        source = article.embargoed_by.name if article.embargoed_by_id else _("its source")
        return _("The story is embargoed by %(source)s until %(time)s; schedule it for then or later.") % {
            "source": source,
            "time": format_time(article.embargo_lifts_at),
        }
    if article.expires_at and published_at >= article.expires_at:
        return _("The story's usage rights end at %(time)s; it cannot go out after that.") % {
            "time": format_time(article.expires_at)
        }
    return None


def check(action, user, article, *, note="", published_at=None):
    """Return the transition named `action` if `user` may apply it to `article` with these arguments; raise if not."""
    transition = TRANSITIONS[action]
    if not (may_start(user, transition) and can_edit(user, article)):
        raise TransitionNotPermitted(_("You may not “%(label)s” this article.") % {"label": transition.label})
    if not transition.allows_state(article):
        raise TransitionNotAllowed(
            _("“%(label)s” is not possible while the article is %(state)s.")
            % {"label": transition.label, "state": describe_state(article)}
        )
    if transition.note_required and not note.strip():
        raise TransitionNotAllowed(transition.note_required, field="note")
    if transition is PUBLISH and published_at is not None and published_at > timezone.now():
        raise TransitionNotAllowed(
            _("A story cannot be published as of a time to come; press Schedule."), field="published_at"
        )
    if transition is SCHEDULE:
        if published_at is None:
            raise TransitionNotAllowed(_("Choose when the story should appear."), field="published_at")
        if published_at <= timezone.now():
            raise TransitionNotAllowed(_("Choose a time in the future, or press Publish."), field="published_at")
    if transition.target == Status.PUBLISHED and (
        error := publication_time_error(article, published_at or timezone.now())
    ):
        raise TransitionNotAllowed(error, field="published_at" if transition is SCHEDULE else None)
    return transition


def available_transitions(user, article):
    """Return the transitions `user` may start on `article` now: the buttons its page shows."""
    if article.pk is None:
        return []
    now = timezone.now()
    transitions = [
        transition
        for transition in TRANSITIONS.values()
        if may_start(user, transition)
        and transition.allows_state(article)
        and not (transition is PUBLISH and publication_time_error(article, now))
    ]
    return transitions if transitions and can_edit(user, article) else []


def describe_state(article):
    """Return the article's state in words: draft, in review, scheduled for …, published, embargoed …"""
    if article.status != Status.PUBLISHED:
        return article.get_status_display().lower()
    if article.is_scheduled():
        return _("scheduled for %(time)s") % {"time": format_time(article.published_at)}
    if article.is_embargoed():
        return _("published, embargoed until %(time)s") % {"time": format_time(article.embargo_lifts_at)}
    if article.is_expired():
        return _("published, expired at %(time)s") % {"time": format_time(article.expires_at)}
    return _("published")


def _apply(transition, article, user, *, note="", published_at=None):
    """Check and make one transition on a locked row, record it, and update `article` to match."""
    with transaction.atomic():
        # Locking the row makes two editors pressing buttons at once take turns,
        # and the second sees the state the first left.
        current = Article.objects.select_for_update().get(pk=article.pk)
        check(transition.action, user, current, note=note, published_at=published_at)
        now = timezone.now()
        from_status = current.status
        current.status = transition.target
        if transition is PUBLISH and published_at is not None:
            current.published_at = published_at
        elif transition is PUBLISH and (current.published_at is None or current.published_at > now):
            # A story published before and taken down keeps its first date, and so its address.
            current.published_at = now
        elif transition is SCHEDULE:
            current.published_at = published_at
        elif transition is UNPUBLISH and current.published_at > now:
            current.published_at = None
        current.save(update_fields=["status", "published_at", "updated_at"])
        record = ArticleTransition.objects.create(
            article=current,
            action=transition.action,
            from_status=from_status,
            to_status=transition.target,
            user=user,
            note=note.strip(),
            published_at=current.published_at if transition.target == Status.PUBLISHED else None,
            created_at=now,
        )
    article.status, article.published_at, article.updated_at = current.status, current.published_at, current.updated_at
    article.version = current.version
    # Rank the story's related stories as it now stands, and let a story going out reach older ones' lists.
    RelatedStory.objects.refresh_around(current)
    return record


def submit(article, user, note=""):
    """Send a draft to the editors for review."""
    return _apply(SUBMIT, article, user, note=note)


def send_back(article, user, note):
    """Return an article in review to its reporter as a draft, with a note saying what to change."""
    return _apply(SEND_BACK, article, user, note=note)


def publish(article, user, note="", published_at=None):
    """
    Make the article public now; or, for a story that first ran elsewhere (an archive
    or a demo brought in), as of its original time `published_at`, which must be past.
    """
    return _apply(PUBLISH, article, user, note=note, published_at=published_at)


def schedule(article, user, published_at, note=""):
    """Publish the article for a future time; readers see it from then on, with no job to run."""
    return _apply(SCHEDULE, article, user, note=note, published_at=published_at)


def unpublish(article, user, note):
    """Take a published or scheduled story down to a draft, giving the reason."""
    return _apply(UNPUBLISH, article, user, note=note)


def spike(article, user, note=""):
    """Take a story out of the pipeline without deleting it."""
    return _apply(SPIKE, article, user, note=note)


def restore(article, user, note=""):
    """Bring a spiked story back as a draft."""
    return _apply(RESTORE, article, user, note=note)


def apply(action, article, user, *, note="", published_at=None):
    """Run the transition named `action`, as a button or bulk action asks."""
    if action == SCHEDULE.action:
        return schedule(article, user, published_at, note=note)
    if action == PUBLISH.action:
        return publish(article, user, note=note, published_at=published_at)
    functions = {
        SUBMIT.action: submit,
        SEND_BACK.action: send_back,
        UNPUBLISH.action: unpublish,
        SPIKE.action: spike,
        RESTORE.action: restore,
    }
    return functions[action](article, user, note=note)


def add_correction(article, user, text, kind=Correction.Kind.CORRECTION):
    """Add a public correction or update to a published story and mark the story as updated."""
    if not (user.has_perm("articles.add_correction") and can_edit(user, article)):
        raise TransitionNotPermitted(_("You may not add corrections to this article."))
    if not takes_corrections(article):
        raise TransitionNotAllowed(_("Only published stories carry corrections; edit the draft instead."))
    if not text.strip():
        raise TransitionNotAllowed(_("Write the text of the correction."), field="text")
    with transaction.atomic():
        correction = Correction.objects.create(article=article, kind=kind, text=text.strip(), created_by=user)
        # A correction changes no field an open change form holds, so it keeps the version.
        Article.objects.filter(pk=article.pk).update(updated_at=correction.created_at, version=F("version"))
    article.updated_at = correction.created_at
    return correction
