"""
Turn what happens to a story into deliveries: one row per endpoint that asked for the
event, made in the transaction of the change itself (a change rolled back leaves none),
and one task per row, enqueued once that transaction commits.
"""

from django.utils.translation import gettext as _

from newsroom.tasks import enqueue_on_commit

from .models import Delivery, Endpoint, Event
from .tasks import deliver


def record_event(article, event, correction=None):
    """Create a pending delivery of `event` for every enabled endpoint that wants it, and enqueue each."""
    endpoints = [endpoint for endpoint in Endpoint.objects.enabled() if endpoint.wants(event)]
    if event == Event.PUBLISHED:
        # A later publish or schedule supersedes one not yet sent (a schedule moved or brought forward).
        Delivery.objects.filter(article=article, event=Event.PUBLISHED).not_attempted().update(
            status=Delivery.Status.SKIPPED, last_error=_("Superseded by a later publish or schedule.")
        )
    if not endpoints:
        return []
    rows = [
        Delivery(
            endpoint=endpoint,
            article=article,
            version=article.version,
            event=event,
            correction=correction,
            key=Delivery.make_key(endpoint, article, article.version, event, correction),
        )
        for endpoint in endpoints
    ]
    existing = set(Delivery.objects.filter(key__in=[row.key for row in rows]).values_list("key", flat=True))
    created = Delivery.objects.bulk_create([row for row in rows if row.key not in existing])
    for delivery in created:
        enqueue_on_commit(deliver, delivery.pk)
    return created


def redeliver(deliveries):
    """Send the deliveries again, whatever became of them, with their first body and idempotency key; return how many."""
    pks = list(deliveries.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=pks).update(status=Delivery.Status.PENDING, last_error="")
    for pk in pks:
        enqueue_on_commit(deliver, pk)
    return len(pks)
