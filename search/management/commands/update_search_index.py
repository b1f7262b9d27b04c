from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from search.backends import rebuild_index


class Command(BaseCommand):
    help = (
        "Index the text of every article for search afresh. Saving an article indexes it; "
        "run this after changing article text with queryset.update() or raw SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to index.")

    def handle(self, *args, database, **options):
        count = rebuild_index(using=database)
        self.stdout.write(f"Indexed {count} article{'s' if count != 1 else ''}.")
