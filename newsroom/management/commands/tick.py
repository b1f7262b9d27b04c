import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.clock import tick
from newsroom.statistics import refresh_planner_statistics
from newsroom.tasks import requeue_abandoned

# How often the clock refreshes SQLite's planner statistics (newsroom/statistics.py).
STATISTICS_SECONDS = 3600


class Command(BaseCommand):
    help = (
        "Send the clock's tick, so apps enqueue their periodic work, and enqueue again the tasks a killed "
        "worker left unfinished, and refresh SQLite's planner statistics hourly; with --every, do so every "
        "SECONDS until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS", help="Tick again every SECONDS, until stopped.")

    def handle(self, *args, every=None, **options):
        if every is not None and every < 1:
            raise CommandError("--every takes a number of seconds, 1 or more.")
        statistics_due = time.monotonic()
        while True:
            if time.monotonic() >= statistics_due:
                refresh_planner_statistics()
                statistics_due = time.monotonic() + STATISTICS_SECONDS
            requeued = requeue_abandoned(timedelta(seconds=settings.NEWSROOM_TASK_ABANDONED_AFTER))
            if requeued:
                self.stdout.write(f"Enqueued again {requeued} task(s) a stopped worker left unfinished.")
            for receiver, error in tick.send_robust(sender=None):
                if error is not None:
                    self.stderr.write(f"{receiver.__module__}: {type(error).__name__}: {error}")
            if every is None:
                return
            time.sleep(every)
