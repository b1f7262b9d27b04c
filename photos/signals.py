"""Signals the photo library sends, so that other apps can follow it."""

from django.dispatch import Signal

# Sent when a photo's renditions change, usually on the worker some time after the photo
# was saved; they are written with `queryset.update()`, which sends no post_save.
# Arguments: `photo`.
renditions_changed = Signal()
