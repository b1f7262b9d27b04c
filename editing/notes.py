"""Staff notes on a story: who they are for, and when they have been read."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Note, NoteReceipt

# A mention is @ and a username (Django's usernames allow letters, digits and @.+-_).
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


def mentioned_users(text):
    """Return the active staff whose usernames `text` mentions with @."""
    names = {name.rstrip(".") for name in MENTION.findall(text)}
    return get_user_model().objects.filter(username__in=names, is_active=True, is_staff=True) if names else []


@transaction.atomic
def add_note(article, user, text):
    """Leave a note on `article` from `user`, for those it mentions and the story's owners; return it."""
    note = Note.objects.create(article=article, author=user, text=text)
    mentioned = {colleague.pk for colleague in mentioned_users(text)}
    owners = set(get_user_model().objects.filter(pk__in=owner_ids(article)).values_list("pk", flat=True))
    NoteReceipt.objects.bulk_create(
        NoteReceipt(note=note, user_id=pk, is_mention=pk in mentioned) for pk in (mentioned | owners) - {user.pk}
    )
    return note


def owner_ids(article):
    """Return the ids of the users whose story `article` is: who created it and who has a byline on it."""
    ids = set(article.bylines.filter(author__user__isnull=False).values_list("author__user", flat=True))
    return ids | ({article.created_by_id} if article.created_by_id else set())


def mark_read(article, user):
    """Note that `user` has read every note on `article` that was for them."""
    NoteReceipt.objects.filter(note__article=article, user=user, read_at__isnull=True).update(read_at=timezone.now())


def notes_for(user, limit=20):
    """Return `user`'s unread notes, newest first, with their stories and authors."""
    return Note.objects.unread_by(user).select_related("article", "author").order_by("-created_at", "-pk")[:limit]
