"""Optimistic locking: a save claims the row's next version, and a stale copy is refused."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def next_version(instance, using, conflict):
    """
    Claim `instance`'s next version, then run the block (which saves the row) in the same
    transaction. The conditional UPDATE locks the row, so of two saves from the same version
    exactly one matches; the other raises `conflict(instance, version it was loaded at)`.
    If the block fails, the instance keeps the version it had.
    """
    expected = instance.version
    with transaction.atomic(using=using):
        claimed = (
            type(instance)
            ._base_manager.using(using)
            .filter(pk=instance.pk, version=expected)
            .update(version=expected + 1)
        )
        if not claimed:
            raise conflict(instance, expected)
        instance.version = expected + 1
        try:
            yield
        except BaseException:
            instance.version = expected
            raise
