from django.conf import settings
from django.core.management.base import BaseCommand

from comments.models import Comment


class Command(BaseCommand):
    help = "Blank the IP address and browser of comments older than NEWSROOM_COMMENT_ADDRESS_DAYS; run it daily."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.NEWSROOM_COMMENT_ADDRESS_DAYS,
            help="Keep the addresses of comments younger than this many days.",
        )

    def handle(self, *args, days, **options):
        count = Comment.objects.forget_addresses(older_than_days=days)
        self.stdout.write(f"Forgot the addresses of {count} comment(s) older than {days} days.")
