"""
Choose the pages `make bench` loads, and measure each inside Django: status, SQL
queries, SQL milliseconds and total milliseconds, best of a few runs.

Run by bench.run as `python -m bench.inprocess OUTPUT.json` with the bench settings
and database in the environment; it writes the pages and measurements as JSON. With
`--turns` instead, it measures one step at a time as asked on its standard input
(serve_turns), for `make bench-growth` to measure two archives in turns.
"""

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

PAGE_NAMES = [
    "home",
    "article",
    "section",
    "tag",
    "author",
    "organisation",
    "search",
    "date archive",
    "feed",
    "site shell",
    "bare view",
]
SEARCH_WORDS = "council budget"
# The words of the search measurement (issue 8: p50 at most 50 ms at a million stories):
# eight that the seeded stories use (each in 4–7% of them: a topic, a place, a phrase)
# and two that none does.
SEARCH_QUERIES = [
    "council budget",
    "flood",
    '"national final"',
    "election",
    "telescope",
    "hedgehogs survey",
    "rowing club",
    "marrow hill",
    "zebra quantum",
    "university",
]
# Narrowed to the section and to the author with the most stories, a search walks their
# own lists first (search.backends), reported beside the archive's: four words, of which
# the seeded archive's busiest section (Science) has stories with the second and fourth
# and none with the others, and its busiest author writes all four, some rarely.
NARROWED_WORDS = ["council budget", "telescope", "flood", "hedgehogs survey"]
SEARCH_RUNS = 3
SEARCH_TARGET_MS = 50
# The admin's article list and change form, signed in as a superuser: under 300 ms each.
ADMIN_TARGET_MS = 300
ADMIN_USERNAME = "bench-admin"
RUNS = 5
# A page slower than this in total gets fewer runs (at least MIN_RUNS), to keep big archives bounded.
PAGE_SECONDS = 10
MIN_RUNS = 2


def setup():
    import logging

    import django

    django.setup()
    # A page this branch lacks (the date archive) answers 404; that is reported, not logged.
    logging.getLogger("django.request").setLevel(logging.ERROR)


def busiest(model_ids):
    """Return the id that occurs most often in a values_list of ids, by one aggregate query."""
    from django.db.models import Count

    row = model_ids.annotate(uses=Count("*")).order_by("-uses").first()
    return row[0] if row else None


def most_listed():
    """
    Return the section, tag, author and organisation with the most stories (None where
    there is none), by name: deep lists at their worst. At a million stories each count
    takes a second: a Measurement reads them once.
    """
    from taggit.models import Tag

    from articles.models import Article, Byline, Section, TaggedArticle
    from authors.models import Author, Organisation

    picks = {
        "section": (Section, busiest(Article.objects.published().order_by().values_list("section_id"))),
        "tag": (Tag, busiest(TaggedArticle.objects.order_by().values_list("tag_id"))),
        "author": (Author, busiest(Byline.objects.order_by().values_list("author_id"))),
        "organisation": (Organisation, busiest(Article.sources.through.objects.values_list("organisation_id"))),
    }
    return {name: None if pk is None else model.objects.get(pk=pk) for name, (model, pk) in picks.items()}


def choose_pages(listed=None):
    """
    Return (name, path or None) for each page: the newest story, the section, tag,
    author and organisation with the most stories (`listed`, as most_listed() returns
    them), since they show deep lists at their worst, and the last whole month before
    the newest story's; None where the site has no such page.
    """
    from datetime import timedelta

    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from articles.models import Article

    published = Article.objects.published()
    newest = published.order_by("-published_at").first()
    paths = {
        "home": reverse("frontpage:home"),
        "feed": reverse("articles:feed"),
        "site shell": reverse("bench_shell"),
        "bare view": reverse("bench_bare"),
    }
    paths["search"] = reverse("search:search") + "?q=" + SEARCH_WORDS.replace(" ", "+")
    if newest is None:
        return paths
    paths["article"] = newest.get_absolute_url()
    for name, obj in (listed or most_listed()).items():
        if obj is not None:
            paths[name] = reverse("articles:tag", args=[obj.slug]) if name == "tag" else obj.get_absolute_url()
    # Not the newest story's month: early in a month it holds a few stories at 10,000 and
    # a full page at a million, and the two pages would not be the same work.
    month = timezone.localtime(newest.published_at).replace(day=1) - timedelta(days=1)
    try:
        paths["date archive"] = reverse(
            "articles:archive_month", kwargs={"year": month.year, "month": f"{month.month:02d}"}
        )
    except NoReverseMatch:
        # Another branch adds the date archives; until then the address may still answer.
        paths["date archive"] = f"/{month.year}/{month.month:02d}/"
    return paths


def choose_admin_pages():
    """
    Return (name, path or None) for the admin's article list (unfiltered, filtered by the
    busiest section, by the busiest tag, and searched) and the newest story's change form.
    """
    from urllib.parse import urlencode

    from django.urls import reverse

    from articles.models import Article, TaggedArticle

    changelist = reverse("admin:articles_article_changelist")
    pages = {"admin list": changelist, "admin search": f"{changelist}?{urlencode({'q': SEARCH_WORDS})}"}
    section = busiest(Article.objects.published().order_by().values_list("section_id"))
    if section is not None:
        pages["admin list, section"] = f"{changelist}?{urlencode({'section__id__exact': section})}"
    tag = busiest(TaggedArticle.objects.order_by().values_list("tag__slug"))
    if tag is not None:
        pages["admin list, tag"] = f"{changelist}?{urlencode({'tag': tag})}"
    newest = Article.objects.published().newest_first().first()
    if newest is not None:
        pages["admin change form"] = reverse("admin:articles_article_change", args=[newest.pk])
    return pages


def admin_client():
    """Return a test client signed in as the bench's superuser, made if missing."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _created = get_user_model().objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def measure_search(listed=None):
    """
    Request the search page for each of SEARCH_QUERIES once to warm up, then SEARCH_RUNS
    times, newest first and best first, and NARROWED_WORDS narrowed to the busiest
    section and to the busiest author (of `listed`, as most_listed() returns them);
    return each search's fastest run and the median (p50) of every timed run's total
    milliseconds in each of the three kinds.
    """
    from statistics import median
    from urllib.parse import urlencode

    from django.test import Client
    from django.urls import reverse

    search = reverse("search:search")
    listed = listed or most_listed()
    # One client for every run: a new one loads the middleware again (WhiteNoise reads the
    # static files' list), 50 ms that a served request never pays.
    client = Client()
    # The search page's order (newest first), then best match first (the newest 1,000
    # matches ranked), then newest first within the busiest section and author.
    kinds = [("newest", SEARCH_QUERIES, {}, ""), ("best", SEARCH_QUERIES, {"order": "best"}, " (best match first)")]
    for name in ("section", "author"):
        if (obj := listed[name]) is not None:
            kinds.append(("narrowed", NARROWED_WORDS, {name: obj.slug}, f" ({name} {obj.slug})"))
    queries, times = [], {"newest": [], "best": [], "narrowed": []}
    for kind, searches, narrowing, label in kinds:
        for words in searches:
            path = f"{search}?{urlencode({'q': words, **narrowing})}"
            measure(path, runs=1, client=client)
            runs = [measure(path, runs=1, client=client) for _ in range(SEARCH_RUNS)]
            times[kind] += [run["total_ms"] for run in runs]
            fastest = min(runs, key=lambda run: run["total_ms"])
            queries.append(
                {"words": words + label, "kind": kind}
                | {key: fastest[key] for key in ("status", "queries", "sql_ms", "total_ms")}
            )
    return {
        "queries": queries,
        "runs": SEARCH_RUNS,
        "p50_ms": round(median(times["newest"]), 2),
        "best_match_p50_ms": round(median(times["best"]), 2),
        "narrowed_p50_ms": round(median(times["narrowed"]), 2) if times["narrowed"] else None,
        "target_ms": SEARCH_TARGET_MS,
    }


# The cursor methods that read a statement's rows. SQLite finds most of a statement's rows
# as they are fetched, after `execute` returns; PostgreSQL has them all by then.
FETCHES = ("fetchone", "fetchmany", "fetchall")


@contextmanager
def sql_timer():
    """
    Time the statements run in this block, from `execute` through the last row fetched;
    yield a function that returns the seconds so far.
    """
    from django.db import connection
    from django.db.backends.utils import CursorWrapper

    seconds = 0.0

    def timed(run, *args, **kwargs):
        nonlocal seconds
        started = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            seconds += time.perf_counter() - started

    def timed_fetch(name):
        # CursorWrapper hands fetches to the database's cursor through __getattr__; a
        # method of the class's own is found first.
        return lambda wrapper, *args: timed(getattr(wrapper.cursor, name), *args)

    try:
        for name in FETCHES:
            setattr(CursorWrapper, name, timed_fetch(name))
        with connection.execute_wrapper(timed):
            yield lambda: seconds
    finally:
        for name in FETCHES:
            delattr(CursorWrapper, name)


def measure(path, runs=RUNS, client=None):
    """Request `path` up to `runs` times in process; return the fastest run's status, queries and milliseconds."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = client or Client()
    best = None
    deadline = time.monotonic() + PAGE_SECONDS
    for run_number in range(runs):
        if run_number >= MIN_RUNS and time.monotonic() > deadline:
            break
        with CaptureQueriesContext(connection) as queries, sql_timer() as sql_seconds:
            started = time.perf_counter()
            response = client.get(path)
            content = b"".join(response) if response.streaming else response.content
            total_seconds = time.perf_counter() - started
        run = {
            "status": response.status_code,
            "bytes": len(content),
            "queries": len(queries),
            "sql_ms": round(sql_seconds() * 1000, 2),
            "total_ms": round(total_seconds * 1000, 2),
            "slowest_sql": max(queries.captured_queries, key=lambda query: float(query["time"]), default={}).get(
                "sql", ""
            )[:10000],
        }
        if best is None or run["total_ms"] < best["total_ms"]:
            best = run
    return best


def describe_database():
    from django.db import connection

    from articles.models import Article

    vendor = connection.vendor
    if vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        name = f"PostgreSQL {version // 10000}.{version % 10000}"
    elif vendor == "sqlite":
        import sqlite3

        name = f"SQLite {sqlite3.sqlite_version}"
    else:
        name = vendor
    return {"database": name, "published_stories": Article.objects.published().count()}


class Measurement:
    """
    One archive's measurement, in steps: each reader page, each admin page, then the
    searches. `make bench` takes them in a row (main); `make bench-growth` takes them in
    turns with the other archive's (serve_turns), so that both are measured alike however
    the machine's speed drifts.
    """

    def __init__(self):
        self.listed = most_listed()
        self.paths = choose_pages(self.listed)
        self.admin_paths = choose_admin_pages()
        self.admin_client = None

    def steps(self):
        return (
            [["pages", name] for name in PAGE_NAMES]
            + [["admin", name] for name in self.admin_paths]
            + [["search", "search"]]
        )

    def take(self, part, name):
        """Return the measurement of one step."""
        if part == "search":
            return measure_search(self.listed)
        if part == "admin":
            if self.admin_client is None:
                self.admin_client = admin_client()
            path = self.admin_paths[name]
            return {"name": name, "path": path, "target_ms": ADMIN_TARGET_MS} | measure(path, client=self.admin_client)
        page = {"name": name, "path": self.paths.get(name)}
        if page["path"] is not None:
            page |= measure(page["path"])
            if name == "date archive" and page["status"] != 200:
                page = {"name": name, "path": None}  # Not on this branch yet.
        return page


def assemble(database, steps, results):
    """Return the measurement of every step (`results`, in the order of `steps`) as main() writes it."""
    parts = {"pages": [], "admin": [], "search": None}
    for (part, _name), result in zip(steps, results, strict=True):
        if part == "search":
            parts["search"] = result
        else:
            parts[part].append(result)
    return database | parts


def main(output):
    setup()
    measurement = Measurement()
    steps = measurement.steps()
    results = [measurement.take(*step) for step in steps]
    Path(output).write_text(json.dumps(assemble(describe_database(), steps, results), indent=2))


def serve_turns(requests, replies):
    """
    Write the database and the steps as a line of JSON to `replies`, then, for each line
    of `requests` (a step, as JSON), that step's measurement, until `requests` ends.
    """
    measurement = Measurement()
    replies.write(json.dumps({"database": describe_database(), "steps": measurement.steps()}) + "\n")
    replies.flush()
    for line in requests:
        replies.write(json.dumps(measurement.take(*json.loads(line))) + "\n")
        replies.flush()


if __name__ == "__main__":
    if sys.argv[1] == "--turns":
        setup()
        # The replies have standard output to themselves; anything else printed goes to standard error.
        replies, sys.stdout = os.fdopen(os.dup(sys.stdout.fileno()), "w"), sys.stderr
        serve_turns(sys.stdin, replies)
    else:
        main(sys.argv[1])
