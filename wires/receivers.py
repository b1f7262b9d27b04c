from django.dispatch import receiver

from newsroom.clock import tick

from .tasks import poll_due_sources


@receiver(tick, dispatch_uid="wires.poll_due_sources")
def poll_due_sources_on_tick(sender, **kwargs):
    """Every tick of the clock (a minute), enqueue a poll of the sources that are due."""
    poll_due_sources.enqueue()
