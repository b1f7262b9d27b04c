from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Exists, OuterRef

from articles.models import Article, RelatedStory

BATCH = 500


class Command(BaseCommand):
    help = (
        "Rank and store the related stories of every article afresh. Publishing or saving a story "
        "does it for that story; run this after creating stories in bulk or with raw SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to update.")
        parser.add_argument(
            "--newest",
            type=int,
            metavar="N",
            help="Only the N most recently published stories: ranking a million takes hours.",
        )
        parser.add_argument(
            "--unranked",
            action="store_true",
            help="Only stories with no related stories stored yet (with --newest, those among the N newest), "
            "so that a rerun after adding stories in bulk ranks only the new ones. A story that has no "
            "related story to store is ranked again each time.",
        )

    def handle(self, *args, database, newest, unranked, **options):
        articles = Article.objects.using(database)
        if newest is not None:
            articles = articles.filter(
                pk__in=list(articles.with_public_address().newest_first()[:newest].values_list("pk", flat=True))
            )
        if unranked:
            articles = articles.exclude(Exists(RelatedStory.objects.filter(article=OuterRef("pk"))))
        articles = articles.only("section").prefetch_related("tags").order_by("pk")
        related = RelatedStory.objects.using(database)
        count, last = 0, 0
        while batch := list(articles.filter(pk__gt=last)[:BATCH]):
            # One transaction a batch: one commit for many small writes, and no lock held for the whole run.
            with transaction.atomic(using=database):
                for article in batch:
                    related.refresh(article)
            count += len(batch)
            last = batch[-1].pk
            if options["verbosity"] > 1:
                self.stdout.write(f"{count} articles…")
        self.stdout.write(f"Stored the related stories of {count} article{'s' if count != 1 else ''}.")
