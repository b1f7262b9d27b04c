"""
What happens every minute without a request to start it. Django's tasks have no schedule
of their own: `manage.py tick --every 60`, which `make run` and `make serve` start beside
the worker, sends `tick` once a round, and apps enqueue their periodic work from it (the
wires app polls its sources). Run one per site, not one per machine.
"""

from django.dispatch import Signal

tick = Signal()
