"""Signals the articles app sends, so that apps built on it can follow what happens to stories."""

from django.dispatch import Signal

# Sent when someone has saved an article, with its bylines, tags and sources, through
# the admin's change form. Arguments: `article`, `user`, and `created` (a new article).
article_edited = Signal()
