"""Who has an article's change form open: noted by the form's ping, shown to the others."""

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ArticlePresence
from .revisions import display_name


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


def presence_text(presences):
    """Say who else has the article open: "Also open by Jane Doe (2 minutes ago)."; "" if nobody."""
    if not presences:
        return ""
    return _("Also open by %s.") % ", ".join(
        f"{display_name(presence.user)} ({naturaltime(presence.seen_at)})" for presence in presences
    )
