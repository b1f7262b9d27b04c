import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.clock import tick
from newsroom.tasks import requeue_abandoned


class Command(BaseCommand):
    help = (
        "Send the clock's tick, so apps enqueue their periodic work, and enqueue again the tasks a killed "
        "worker left unfinished; with --every, do so every SECONDS until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS", help="Tick again every SECONDS, until stopped.")

    def handle(self, *args, every=None, **options):
        if every is not None and every < 1:
            raise CommandError("--every takes a number of seconds, 1 or more.")
        while True:
            requeued = requeue_abandoned(timedelta(seconds=settings.NEWSROOM_TASK_ABANDONED_AFTER))
            if requeued:
                self.stdout.write(f"Enqueued again {requeued} task(s) a stopped worker left unfinished.")
            for receiver, error in tick.send_robust(sender=None):
                if error is not None:
                    self.stderr.write(f"{receiver.__module__}: {type(error).__name__}: {error}")
            if every is None:
                return
            time.sleep(every)
