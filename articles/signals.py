"""Signals the articles app sends, so that apps built on it can follow what happens to stories."""

from django.dispatch import Signal

# Sent when someone has saved an article, with its bylines, tags and sources, through
# the admin's change form. Arguments: `article`, `user`, and `created` (a new article).
article_edited = Signal()

# Sent while an article's page, or its preview, is built, so that apps built on articles
# add what they show on it (comments, a live blog's entries) from the view, not from the
# template. Arguments: `article`, `request` and `is_preview`; each receiver returns a
# dict of what it adds to the page's context.
article_page = Signal()
