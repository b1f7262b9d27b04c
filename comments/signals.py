"""Signals the comments app sends, so that other apps can follow moderation."""

from django.dispatch import Signal

# Sent when moderators set the status of comments in bulk (approve, reject, spam);
# `queryset.update()` sends no post_save. Arguments: `comments` (the queryset), `status`.
comments_moderated = Signal()
