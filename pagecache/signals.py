"""Signals of the page cache, for deployments that keep pages elsewhere too (a CDN)."""

from django.dispatch import Signal

# Sent, once the change is committed, each time cached pages are thrown away because what
# readers see changed. Argument: `keys`, the surrogate keys of the pages purged, as the
# Surrogate-Key header names them: ("newsroom-pages",) when every page goes, or a
# story's key and the pages that depend on every story, ("story-12", "newsroom-stories").
# Connect a CDN's "purge by key" call to it (or "purge everything", ignoring `keys`).
pages_purged = Signal()
