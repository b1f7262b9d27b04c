"""An editor's unsaved text, kept by the change form every half minute so that a crash loses nothing."""

from django.utils import timezone

from articles.html import sanitise_html

from .models import Autosave

# What autosave keeps: the text an editor types, not the placement or the workflow.
AUTOSAVE_FIELDS = ["headline", "standfirst", "body"]


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
