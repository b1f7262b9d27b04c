"""Polling on the worker. Both tasks are idempotent: an item already in, at the same version, changes nothing."""

from django.tasks import task

from .ingest import poll
from .models import WireSource


@task
def poll_source(source_id):
    """Poll one enabled source; return how many items it reported and how many failed."""
    source = WireSource.objects.select_related("organisation", "section").filter(pk=source_id, is_enabled=True).first()
    if source is None:
        return {"items": 0, "failed": 0}
    report = poll(source)
    return {"items": len(report.lines), "failed": report.failed}


@task
def poll_due_sources():
    """Enqueue a poll of every enabled source whose interval has passed; return their ids."""
    due = list(WireSource.objects.due().values_list("pk", flat=True))
    for source_id in due:
        poll_source.enqueue(source_id)
    return due
