from django import template

from editing.notes import notes_for

register = template.Library()


@register.inclusion_tag("admin/editing/includes/notes_desk.html", takes_context=True)
def notes_desk(context):
    """Show the signed-in user the notes waiting for them: mentions, and notes on their stories."""
    return {"notes": list(notes_for(context["request"].user))}
