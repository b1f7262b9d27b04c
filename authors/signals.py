"""Cache invalidation only: no business rules here."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import PUBLISHER_CACHE_KEY, Organisation


@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="forget_publisher")
def forget_publisher(**kwargs):
    """Drop the cached publisher whenever an organisation changes."""
    cache.delete(PUBLISHER_CACHE_KEY)
    # Again after commit, in case another request cached the old row in between.
    transaction.on_commit(lambda: cache.delete(PUBLISHER_CACHE_KEY))
