"""Signals of the page cache, for deployments that keep pages elsewhere too (a CDN)."""

from django.dispatch import Signal

# Sent, once the change is committed, each time the cached pages are thrown away because
# what readers see changed. Connect a CDN's "purge everything" call to it. No arguments.
pages_purged = Signal()
