"""
Seed an archive of N published stories, for `make bench` and for trying the site at scale.

The stories come from demo.archive: invented headlines and paragraphs from the demo's
templates, 1–3 bylines from a pool of invented authors, 3–5 tags from a pool of 500,
sources from a pool of invented organisations, one of the library's sample photos on
some, and publication dates spread over the last twelve years. Story number i is
always the same, and its slug starts with "archive-" and i, so a rerun adds only the
missing stories and `--reset` can find the seeded ones to delete.

Writing is bulk: `bulk_create` in batches, the bylines, sources and tags written to
their through tables directly, and each batch indexed for search with
`search.backends.index_articles`, all in one transaction per batch.

Status and publication time are written directly, in bulk, bypassing
articles.workflow: an archive of stories that ran long ago has no review to go
through, and a million workflow calls (each a save, a transition and a revision)
would take hours. This is the only place that does so; the interactive demo
(`load_demo`) and everything else take stories through articles.workflow.
"""

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, Byline, Citation, TaggedArticle
from authors.models import Affiliation, Author, Organisation
from demo.archive import ArchiveGenerator, Pools
from demo.management.commands.load_demo import Command as LoadDemo
from demo.stories import read_data
from newsroom.statistics import refresh_planner_statistics
from search.backends import compact_index, index_articles

MAX_STORIES = 9_999_999  # The slug holds the story's number in seven digits.


class Command(BaseCommand):
    help = (
        "Make the archive hold N published stories (slugs starting archive-), adding the missing ones in bulk. "
        "Safe to rerun; --reset deletes the seeded stories first."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many archive stories the database should hold.")
        parser.add_argument("--reset", action="store_true", help="Delete the seeded stories first.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Stories written per transaction.")
        parser.add_argument(
            "--jobs",
            type=int,
            help="Processes writing batches side by side (default: the CPU count on PostgreSQL, 1 on SQLite, "
            "which lets one writer at a time).",
        )

    def handle(self, *args, count, reset, batch_size, jobs, **options):
        if not 0 <= count <= MAX_STORIES:
            raise CommandError(f"Give a count from 0 to {MAX_STORIES:,}.")
        if batch_size < 1:
            raise CommandError("The batch size must be at least 1.")
        if jobs is None:
            jobs = min(os.cpu_count() or 1, 4) if connection.vendor == "postgresql" else 1
        started = time.monotonic()
        pools = Pools.load()
        if reset:
            self.stdout.write(f"Deleted {self.delete_seeded(pools):,} seeded stories.")
        with transaction.atomic():
            sections = self.ensure_sections()
            organisations = self.ensure_organisations(pools)
            authors = self.ensure_authors(pools, organisations)
            tags = self.ensure_tags(pools)
            photos = self.ensure_photos()
        # Counted back from the start of today, so that every story is in the past.
        newest = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(seconds=1)
        generator = ArchiveGenerator(pools, list(sections), newest)
        context = {
            "sections": sections,
            "organisations": organisations,
            "authors": authors,
            "tags": tags,
            "photos": photos,
        }
        batches = [range(start, min(start + batch_size, count)) for start in range(0, count, batch_size)]
        progress = Progress(self.stderr, count)
        created = done = 0
        for batch, batch_created in self.run_batches(Batch(pools, generator, context), batches, jobs):
            created += batch_created
            done += len(batch)
            progress.show(done)
        progress.close()
        # VACUUM cannot run in a transaction, as when a test calls the command.
        if created and connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.vacuum()
        else:
            refresh_planner_statistics()
        # Loaded in bulk, SQLite's full-text index lies in pieces that each search reads.
        compact_index()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Archive stories 1 to {count:,}: {created:,} created, {count - created:,} already there "
                f"({elapsed:.0f} s)."
            )
        )

    def vacuum(self):
        """
        Clear the dead rows the bulk load left (each new article row is updated twice)
        and refresh the planner's statistics, as autovacuum would in time, so that
        what runs next meets the tables in their steady state.
        """
        tables = [
            Article._meta.db_table,
            Byline._meta.db_table,
            Citation._meta.db_table,
            TaggedArticle._meta.db_table,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")

    def ensure_sections(self):
        """Create or update the demo's sections; return them by slug."""
        return LoadDemo().load_sections(read_data("sections.json"))

    def ensure_photos(self):
        """Return the demo's sample photos by section slug, drawing any that are missing: a few files, many stories."""
        return LoadDemo().load_sample_photos(read_data("sections.json"), read_data("sample-stories.json"))

    def ensure_organisations(self, pools):
        """Create the invented organisations that are missing; return their ids in pool order."""
        blank = {"short_name": "", "city": "", "country": "", "description": ""}
        organisations = [
            Organisation.objects.get_or_create(slug=spec["slug"], defaults=blank | spec)[0]
            for spec in pools.organisations
        ]
        if not Organisation.objects.filter(is_publisher=True).exists():
            publisher = next(org for org in organisations if org.kind == Organisation.Kind.PUBLISHER)
            publisher.is_publisher = True
            publisher.save(update_fields=["is_publisher"])
        return [organisation.pk for organisation in organisations]

    def ensure_authors(self, pools, organisations):
        """Create the invented authors and their affiliations that are missing; return their ids in pool order."""
        slugs = [slugify(spec["name"]) for spec in pools.authors]
        Author.objects.bulk_create(
            [
                Author(
                    name=spec["name"],
                    slug=slug,
                    job_title=spec["job_title"],
                    bio=f"A fictional {spec['job_title'].lower()} invented for the archive of sample stories.",
                )
                for spec, slug in zip(pools.authors, slugs, strict=True)
            ],
            ignore_conflicts=True,
        )
        ids = dict(Author.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        organisation_ids = {spec["slug"]: pk for spec, pk in zip(pools.organisations, organisations, strict=True)}
        Affiliation.objects.bulk_create(
            [
                Affiliation(
                    author_id=ids[slug], organisation_id=organisation_ids[spec["organisation"]], role=spec["job_title"]
                )
                for spec, slug in zip(pools.authors, slugs, strict=True)
            ],
            ignore_conflicts=True,
        )
        return [ids[slug] for slug in slugs]

    def ensure_tags(self, pools):
        """Create the pool's tags that are missing; return their ids in pool order."""
        slugs = [slugify(name) for name in pools.tags]
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slug) for name, slug in zip(pools.tags, slugs, strict=True)], ignore_conflicts=True
        )
        ids = dict(Tag.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        return [ids[slug] for slug in slugs]

    def delete_seeded(self, pools):
        """Delete the seeded stories (with their bylines, tags, sources and index entries); return how many."""
        seeded = Article.objects.filter(slug__startswith=pools.slug_prefix).order_by()
        deleted = 0
        while pks := list(seeded.values_list("pk", flat=True)[:5000]):
            with transaction.atomic():
                Article.objects.filter(pk__in=pks).delete()
            deleted += len(pks)
        return deleted

    def run_batches(self, job, batches, jobs):
        """Yield (batch, stories created) as each batch is written, by `jobs` processes."""
        if jobs <= 1 or len(batches) <= 1:
            for batch in batches:
                yield batch, job(batch)
            return
        # The workers are forked with the job already in memory; each opens its own connection.
        global _forked_job
        _forked_job = job
        connections.close_all()
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as executor:
            yield from zip(batches, executor.map(_run_forked_job, batches), strict=True)


_forked_job = None


def _run_forked_job(indexes):
    return _forked_job(indexes)


class Batch:
    """Write a batch of archive stories; an object, so that forked workers can be handed it."""

    def __init__(self, pools, generator, context):
        self.pools = pools
        self.generator = generator
        self.context = context

    def __call__(self, indexes):
        """Write the stories of `indexes` that are not there yet, with their relations and search index; return how many."""
        pools, generator, context = self.pools, self.generator, self.context
        low, high = pools.index_bounds(indexes.start, indexes.stop)
        existing = Article.objects.filter(slug__gte=low, slug__lt=high).values_list("slug", flat=True)
        prefix = len(pools.slug_prefix)
        done = {int(slug[prefix : prefix + 7]) for slug in existing}
        stories = [generator.story(index) for index in indexes if index not in done]
        if not stories:
            return 0
        sections, photos = context["sections"], context["photos"]
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [
                    Article(
                        headline=story["headline"],
                        slug=story["slug"],
                        standfirst=story["standfirst"],
                        body=story["body"],
                        section=sections[story["section"]],
                        dateline=story["dateline"],
                        photo=photos[story["section"]] if story["has_photo"] else None,
                        status=Article.Status.PUBLISHED,
                        published_at=story["published_at"],
                    )
                    for story in stories
                ]
            )
            pks = [article.pk for article in articles]
            # bulk_create stamps both times with now; an archive story was written when it ran.
            # Keeping the version as it is, since this is not an edit.
            Article.objects.filter(pk__in=pks).update(
                created_at=F("published_at"), updated_at=F("published_at"), version=F("version")
            )
            self.write_relations(stories, pks, context)
            index_articles(Article.objects.filter(pk__in=pks))
        # With DEBUG on, Django keeps every query's SQL, megabytes a batch here.
        reset_queries()
        return len(stories)

    def write_relations(self, stories, pks, context):
        """Write the stories' bylines, sources and tags straight into their tables."""
        authors, organisations, tags = context["authors"], context["organisations"], context["tags"]
        # The links keep the story's date, as DatedLink.save() would, for the lists' indexes.
        Byline.objects.bulk_create(
            Byline(
                article_id=pk,
                author_id=authors[author],
                role=role,
                position=position,
                published_at=story["published_at"],
            )
            for story, pk in zip(stories, pks, strict=True)
            for position, (author, role) in enumerate(story["bylines"])
        )
        Citation.objects.bulk_create(
            Citation(article_id=pk, organisation_id=organisations[source], published_at=story["published_at"])
            for story, pk in zip(stories, pks, strict=True)
            for source in story["sources"]
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object_id=pk, tag_id=tags[tag], published_at=story["published_at"])
            for story, pk in zip(stories, pks, strict=True)
            for tag in story["tags"]
        )


class Progress:
    """Show how far the seeding is: a bar redrawn in place on a terminal, else a line each tenth of the way."""

    WIDTH = 30

    def __init__(self, stream, total):
        self.stream = stream
        self.total = total
        self.started = time.monotonic()
        self.is_terminal = stream.isatty()
        self.shown_tenths = 0

    def show(self, done):
        share = done / self.total if self.total else 1
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed else 0
        left = (self.total - done) / rate if rate else 0
        filled = int(share * self.WIDTH)
        line = (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%} {done:,}/{self.total:,} stories, "
            f"{rate:,.0f}/s, {left:.0f} s left"
        )
        if self.is_terminal:
            self.stream.write(f"\r{line}", ending="")
            self.stream.flush()
        elif int(share * 10) > self.shown_tenths or done == self.total:
            self.shown_tenths = int(share * 10)
            self.stream.write(line)

    def close(self):
        if self.is_terminal:
            self.stream.write("")
