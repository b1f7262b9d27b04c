"""The wire desk's line on the newsdesk: what agencies withdrew or updated, and the way to the dashboard."""

from django import template
from django.db.models import Count, Q

from articles import workflow

from ..models import IngestedItem

register = template.Library()


@register.inclusion_tag("admin/wires/includes/desk.html", takes_context=True)
def wires_desk(context):
    """Show those who write stories how many wire items need an editor, with a link to the ingest dashboard."""
    if not workflow.writes_stories(context["request"].user):
        return {"shown": False}
    counts = IngestedItem.objects.aggregate(
        withdrawn=Count("pk", filter=Q(status=IngestedItem.Status.WITHDRAWN)),
        waiting=Count("pk", filter=~Q(pending_version="")),
        failed=Count("pk", filter=Q(status=IngestedItem.Status.ERROR)),
    )
    return {"shown": True, **counts}
