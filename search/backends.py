"""
Full-text search over articles: the one module that knows how each database does it.

PostgreSQL keeps a weighted tsvector in `Article.search_vector` (GIN-indexed), reads
the reader's words with websearch_to_tsquery, ranks with ts_rank and highlights with
ts_headline. SQLite keeps an FTS5 table (`SearchEntry`), ranks with bm25 and highlights
with snippet(). Either way the headline weighs most, then the standfirst, then the body.

The index is written here, from Python, whenever an article is saved or deleted
(search.receivers). Python, because SQLite cannot strip HTML and because
SQLite triggers on the articles table would vanish each time a migration rebuilds
that table, as Django does on SQLite for many schema changes. Text changed with
`queryset.update()` bypasses saving, so run `manage.py update_search_index` after.
"""

import re
import unicodedata
from contextlib import contextmanager
from datetime import UTC, datetime
from html import unescape
from itertools import batched

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, OperationalError, connections, transaction
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from articles.html import html_to_text
from articles.models import Article, Byline
from newsroom.cache import get_or_set_quietly

from .models import SearchEntry

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"
INDEXED_FIELDS = frozenset({"headline", "standfirst", "body"})
BEST_FIRST = ("-rank", "-published_at", "-pk")
NEWEST_FIRST = ("-published_at", "-pk")
# How many of the newest matches are ranked for "best first": as many as the search
# pages show (search.views.MAX_PAGES of 20), and the same work at any size of archive.
RELEVANCE_WINDOW = 1000

# How much a match counts in the headline, the standfirst and the body: the
# weights PostgreSQL gives its labels A, B and C by default, used by bm25 too.
HEADLINE_WEIGHT, STANDFIRST_WEIGHT, BODY_WEIGHT = 1.0, 0.4, 0.2

# The captions and titles of a body's photos and embeds are attributes of their <figure>
# (articles/body.py), which PostgreSQL's parser skips with the tag: they are moved out of
# it first. Stored bodies are sanitised, so no ">" stands inside an attribute.
BODY_WITH_CAPTIONS = Func(
    F("body"),
    Value(r'<figure[^>]* data-(?:caption|title)="([^"]*)"[^>]*>'),
    Value(r"<figure> \1 "),
    Value("g"),
    function="REGEXP_REPLACE",
    output_field=TextField(),
)

SEARCH_VECTOR = (
    SearchVector("headline", weight="A", config=SEARCH_CONFIG)
    + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
    # PostgreSQL's parser skips tags and entities itself, so the HTML goes in as it is.
    + SearchVector(BODY_WITH_CAPTIONS, weight="C", config=SEARCH_CONFIG)
)

# The databases put these around each match; Snippet turns them into <mark> after
# escaping everything else, so no text in an article can become markup.
MARK_START, MARK_END = "\x02", "\x03"
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
SNIPPET_WORDS = 30
SNIPPET_ELLIPSIS = "…"


class Snippet(TextField):
    """An excerpt of the body as safe HTML, its matches in <mark>."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        if connection.vendor == "postgresql":
            # ts_headline reads the stored HTML: it drops the tags but keeps entities.
            value = unescape(strip_tags(value))
        text = escape(" ".join(value.split()))
        marked = _MARKED.sub(r"<mark>\1</mark>", text)
        return mark_safe(marked.replace(MARK_START, "").replace(MARK_END, ""))


def clean_query(query):
    """Return what a reader typed without control characters and runs of spaces, at most 200 characters."""
    # PostgreSQL refuses NUL, and lone surrogates cannot be encoded at all.
    printable = "".join(" " if unicodedata.category(char) in {"Cc", "Cs"} else char for char in query)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def search_articles(articles, query, *, newest_first=False, author=None):
    """
    Return those of `articles` (those by `author`, if given) that match `query`,
    annotated with `snippet`: newest first, or best first (annotated with `rank`),
    ranking the newest RELEVANCE_WINDOW matches, for a paginator to slice (on
    PostgreSQL, a RecentFirst or its ranking rather than a queryset); with
    `newest_first=None`, only the matches, a queryset in no order and with no annotation.
    """
    query = clean_query(query)
    if not query:
        return articles.none()
    vendor = connections[articles.db].vendor
    if vendor == "postgresql":
        search = _PostgreSQLSearch(query)
    elif vendor == "sqlite":
        search = _SQLiteSearch(query)
    else:
        raise NotSupportedError(f"Search works on PostgreSQL and SQLite, not {vendor}.")
    if not search.is_possible():
        return articles.none()
    if newest_first:
        return search.newest_first(articles, author)
    articles = by_author(articles, author)
    if newest_first is None:
        return search.matching(articles)
    return search.best_first(articles)


# On SQLite, a search with at least this many matches (as many as the search pages show)
# walks the stories newest first rather than sorting every match (_SQLiteSearch.newest_first).
MANY_MATCHES = RELEVANCE_WINDOW

# The admin's search walks its list rather than sorting every match (search_article_list)
# when, judging by how many of the list's newest WALK_SAMPLE stories match, its page
# ends within WALK_ROWS stories of the top: each costs about 10 µs on PostgreSQL.
WALK_SAMPLE = 1000
WALK_ROWS = 10_000

# A reader's search stops after this long: PostgreSQL may misjudge how common a word is
# and read far more of the archive than it should, and a search must not hold a worker.
SEARCH_SECONDS = 3
# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"


# A search narrowed to a section ANDs the full-text index's matches with the section's
# stories, as bitmaps. In PostgreSQL's default work_mem (4 MB) a section's bitmap at a
# million stories (166,000 of them) turns lossy, a page where there were rows, and every
# page it marks is then read and rechecked: 14,000 pages and 120 ms for a word the section
# lacks, against 21 ms in 16 MB. It is memory for each sort or bitmap of a search's statements.
SEARCH_WORK_MEM = "16MB"
# A search's statements read a few thousand rows at most, and its walks stop after a page:
# PostgreSQL's parallel workers cost more to start (about 10 ms) than they save, and each
# walks its share of a list to the end (all 1,000 of an author's newest, for a page found
# in the first 500). Without them, at a million stories, an author's search took 23–24 ms
# against 35–37, the archive's searches 1–2.5 ms longer (18–23.5 against 16–20), and the
# median of both 25.1 ms against 26.3; under load the workers would take CPUs that other
# requests are waiting for.
SEARCH_PARALLEL_WORKERS = 0


@contextmanager
def search_limits(using, seconds=None):
    """
    Run this block's statements on PostgreSQL as a search should: each cancelled if it
    runs longer than `seconds` (SEARCH_SECONDS), given SEARCH_WORK_MEM to combine indexes
    in, and run by one process (SEARCH_PARALLEL_WORKERS).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    milliseconds = int((SEARCH_SECONDS if seconds is None else seconds) * 1000)
    with local_settings(
        using,
        statement_timeout=f"{milliseconds}ms",
        work_mem=SEARCH_WORK_MEM,
        max_parallel_workers_per_gather=str(SEARCH_PARALLEL_WORKERS),
    ):
        yield


@contextmanager
def local_settings(using, **settings):
    """
    Give PostgreSQL's `settings` (name=value) to the statements of this block only: in
    a transaction of its own, as SET LOCAL lasts until it ends (inside a test's, a savepoint).
    """
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
                [part for setting in settings.items() for part in setting],
            )
        yield


def took_too_long(error):
    """Tell whether `error` (an OperationalError) is a statement cancelled by search_limits()."""
    return isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED


def by_author(articles, author):
    """Return those of `articles` with `author` on their byline; all of them if `author` is None."""
    return articles if author is None else articles.filter(authors=author)


class _Search:
    """What both databases' searches share; each names its index's `matching()`, `rank()` and `snippet()`."""

    def newest_first(self, articles, author=None):
        """Return the matches newest first, each with its snippet, reading every match and sorting them by date."""
        return self.dated(self.matching(by_author(articles, author)))

    def dated(self, matches):
        """Return `matches` newest first, each with its snippet."""
        return matches.annotate(snippet=self.snippet()).order_by(*NEWEST_FIRST)

    def best_first(self, articles):
        """
        Return the newest RELEVANCE_WINDOW matches, best first, each with its rank and
        snippet. Ranking every match costs as much as there are matches (half a second
        for a common word in a million stories); the newest are those readers want.
        """
        matches = self.matching(articles)
        return self.ranked(matches.filter(pk__in=matches.order_by(*NEWEST_FIRST).values("pk")[:RELEVANCE_WINDOW]))

    def ranked(self, matches):
        return matches.annotate(rank=self.rank(), snippet=self.snippet()).order_by(*BEST_FIRST)


class _PostgreSQLSearch(_Search):
    def __init__(self, query):
        self.query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)

    def is_possible(self):
        return True

    def matching(self, articles):
        return articles.filter(search_vector=self.query)

    def newest_first(self, articles, author=None):
        """
        Return the matches newest first, as recent_first() reads them. Left to itself,
        the planner walks the date index for a word its statistics call common (search
        app, migration 0002) and reads the full-text index for a rare one; but a word
        common only in old stories makes the walk read back to them (3 s, then stopped,
        for one in 60,000 of the oldest of a million stories).
        """
        return recent_first(
            super().newest_first(articles, author), PAGE_WALK_STORIES, walked=self.newest_tested(articles, author)
        )

    def newest_tested(self, articles, author):
        """
        Return the matches among the newest FIRST_WALK_STORIES of `articles` (of the
        author's, if given: all of them if fewer), found by testing each story in date
        order, newest first; None in an archive of fewer stories. An author's are walked
        through their bylines' index on (author, date): among the archive's newest they
        are few, so that walk would find a page for a common word by a prolific author
        as rarely as for a rare one, and the search would then read every match of the
        words (0.19 s for "council budget" by an author of 73,000 of a million stories).
        """
        if author is None:
            cutoff = recent_cutoff(articles.db, FIRST_WALK_STORIES)
            if cutoff is None:
                return None
            return self.dated(self.matching_in_order(articles.filter(published_at__gte=cutoff)))
        # The date of the author's FIRST_WALK_STORIES-th newest byline, read from their
        # index in the same statement (all of them, if fewer).
        dates = Byline.objects.filter(author=author, published_at__isnull=False).order_by(
            "-published_at", "-article_id"
        )
        cutoff = Coalesce(
            Subquery(dates.values("published_at")[FIRST_WALK_STORIES - 1 : FIRST_WALK_STORIES]), Value(EARLIEST)
        )
        # A byline carries its story's date, so the author's list is in the stories' order, NEWEST_FIRST.
        listed = articles.listed_under("bylines", author=author).filter(listed_at__gte=cutoff)
        return self.matching_in_order(listed).annotate(snippet=self.snippet())

    def best_first(self, articles):
        """Return the newest RELEVANCE_WINDOW matches, found as recent_first() finds them, best first."""
        newest = recent_first(
            self.matching(articles).order_by(*NEWEST_FIRST).values_list("pk", flat=True), WINDOW_WALK_STORIES
        )
        return _Ranked(newest, lambda pks: self.ranked(articles.filter(pk__in=pks)))

    def matching_in_order(self, articles):
        """
        Return the same matches as matching(), found by testing each of `articles` in
        their order: no index answers `(… @@ …) IS TRUE`, so the planner walks the
        order's index and stops after the page asked for.
        """
        return articles.filter(_IsTrue(Q(search_vector=self.query)))

    def rank(self):
        return SearchRank(
            F("search_vector"), self.query, weights=[0.0, BODY_WEIGHT, STANDFIRST_WEIGHT, HEADLINE_WEIGHT]
        )

    def snippet(self):
        headline = SearchHeadline(
            "body",
            self.query,
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=f" {SNIPPET_ELLIPSIS} ",
        )
        return ExpressionWrapper(headline, output_field=Snippet())


class _IsTrue(Func):
    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


class _UnindexedDate(Func):
    """
    A date that no index holds, to order by: PostgreSQL then reads the matches through
    the full-text index and sorts them, rather than walking the date index (as far back
    as they lie) to find them in order.
    """

    template = "(%(expressions)s + interval '0')"
    output_field = DateTimeField()


# How far back a reader's search on PostgreSQL may walk the date index before it turns to
# the full-text index (recent_first): through the newest 5,000 stories for a page of
# results (60 ms if few match), and 20,000 for the 1,000 matches that "best match first"
# ranks, which so come from the walk for a word in one story in twenty or more. The walk
# costs about 12 µs a story, the full-text index about 4 µs a match and its sort.
PAGE_WALK_STORIES = 5000
# A page of results is first looked for among the newest 1,000 stories, each tested in
# turn (7 ms if none match): the planner may instead read every match of the archive
# from the full-text index to keep those among the newest 5,000, a cost that grows with
# the archive (13 ms for the 41,802 stories with "council" and "budget" of a million).
FIRST_WALK_STORIES = 1000
WINDOW_WALK_STORIES = 20 * RELEVANCE_WINDOW
# recent_cutoff() bounds how much a search works, not what it finds: a date a few minutes old does.
RECENT_CUTOFF_SECONDS = 600
# Before any story: the cutoff of a list with fewer stories than a walk may test.
EARLIEST = datetime.min.replace(tzinfo=UTC)


def recent_cutoff(using, stories):
    """Return the date of the `stories`-th newest published story, or None if there are fewer; kept a while."""

    def read():
        # The partial index of published stories holds the dates: no story is read.
        dates = (
            Article.objects.using(using)
            .filter(status=Article.Status.PUBLISHED)
            .order_by("-published_at", "-pk")
            .values_list("published_at", flat=True)
        )
        return next(iter(dates[stories - 1 : stories]), None)

    return get_or_set_quietly(f"search:recent-cutoff:{using}:{stories}", read, RECENT_CUTOFF_SECONDS)


def recent_first(newest, stories, *, walked=None):
    """
    Return `newest`, a queryset of matches ordered newest first, read as RecentFirst
    reads it within the newest `stories` stories; as it is, in an archive of fewer.
    `walked`, the same matches among fewer stories (in the same order), is read first.
    """
    cutoff = recent_cutoff(newest.db, stories)
    if cutoff is None:
        return newest
    recent = [newest.filter(published_at__gte=cutoff)]
    if walked is not None:
        recent.insert(0, walked)
    return RecentFirst(recent=recent, every=newest.order_by(_UnindexedDate("published_at").desc(), "-pk"))


class _ReadByPage:
    """Results that a paginator reads a page at a time, as a slice, by read()."""

    def __getitem__(self, page):
        if not isinstance(page, slice):
            raise TypeError(f"{type(self).__name__} is read a page at a time, as a slice.")
        return self.read(page)


class RecentFirst(_ReadByPage):
    """
    Matches newest first, for a paginator to slice. A slice is read from the first of
    `recent`, the matches among ever more of the newest stories, that holds all of it:
    each reads no further back than its stories, and stops at the slice's end.
    Otherwise it is read from `every` match, found through the full-text index and
    sorted by date. All are in the same order, so a slice is the same from any.
    """

    def __init__(self, *, recent, every):
        self.recent = recent
        self.every = every

    def read(self, page):
        if page.stop is not None:
            for matches in self.recent:
                rows = list(matches[page])
                if len(rows) == page.stop - (page.start or 0):
                    return rows
        return list(self.every[page])

    def __iter__(self):
        return iter(self.every)


class _Ranked(_ReadByPage):
    """The newest RELEVANCE_WINDOW of `newest` matches (RecentFirst), ranked by `rank(pks)`, for a paginator to slice."""

    def __init__(self, newest, rank):
        self.newest = newest
        self.rank = rank

    def read(self, page):
        return list(self.rank(self.newest[:RELEVANCE_WINDOW])[page])

    def __iter__(self):
        return iter(self[:RELEVANCE_WINDOW])


class _SQLiteSearch(_Search):
    index = F("search_entry__full_text")

    def __init__(self, query):
        self.match = fts5_query(query)

    def is_possible(self):
        return bool(self.match)

    def matching(self, articles):
        return articles.filter(search_entry__full_text=self.match)

    def newest_first(self, articles, author=None):
        """
        Return the matches newest first (by `author`, if given). FTS5 hands over every match, which are then
        sorted by date, each with its snippet: for a common word, work that grows with
        the archive (8,262 matches of 200,000 stories, 27 ms). With as many matches as
        the search shows (MANY_MATCHES, counted in FTS5's index up to there), the
        stories are walked newest first through their date index instead, each tested
        against the matches, stopping after the page (12 ms), with a snippet for the
        page only. With fewer, the walk could read the whole archive to find them (29
        ms for none), while reading them all costs fewer than MANY_MATCHES rows.
        """
        entries = SearchEntry.objects.using(articles.db).filter(full_text=self.match)
        if entries[:MANY_MATCHES].count() < MANY_MATCHES:
            return super().newest_first(articles, author)
        if author is None:
            listed = articles.order_by(*NEWEST_FIRST)
        else:
            # An author's stories are walked through their bylines' index on (author, date),
            # whose order is the stories' (8.6 ms for the busiest author at 200,000, against
            # 102 ms walking the archive's date index and asking each story for its author).
            listed = articles.listed_under("bylines", author=author)
        page_snippet = entries.filter(pk=OuterRef("pk")).annotate(excerpt=self.snippet(F("full_text")))
        return (
            # Unary "+" keeps SQLite from reading the stories by id from the list of matches.
            listed.alias(unindexed_pk=_Unindexed("pk"))
            .filter(unindexed_pk__in=entries.values("pk"))
            .annotate(snippet=Subquery(page_snippet.values("excerpt")[:1]))
        )

    def rank(self):
        weights = [Value(weight) for weight in (HEADLINE_WEIGHT, STANDFIRST_WEIGHT, BODY_WEIGHT)]
        # bm25 is lower for better matches; negate it so that, as on PostgreSQL, higher is better.
        return Func(
            self.index, *weights, function="bm25", template="-%(function)s(%(expressions)s)", output_field=FloatField()
        )

    def snippet(self, index=None):
        body_column = Value(2)
        return Func(
            index or self.index,
            body_column,
            Value(MARK_START),
            Value(MARK_END),
            Value(SNIPPET_ELLIPSIS),
            Value(SNIPPET_WORDS),
            function="snippet",
            output_field=Snippet(),
        )


class _Unindexed(Func):
    """An integer column that SQLite may not look up through an index (SQLite's unary "+")."""

    template = "+%(expressions)s"
    output_field = IntegerField()


_FTS5_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_HAS_WORD = re.compile(r"[^\W_]")


def fts5_query(query):
    """
    Turn what a reader typed into an FTS5 query that cannot be a syntax error.

    It understands what PostgreSQL's websearch syntax does: words (all must match),
    "quoted phrases", OR between alternatives, and -word or -"phrase" to leave out.
    Every word and phrase becomes an FTS5 string literal, so FTS5's own operators
    (AND, NEAR, *, ^, column filters) are only ever searched for as words.
    """
    alternatives = [([], [])]
    for negated, phrase, word in _FTS5_TERM.findall(query):
        if word.upper() == "OR":
            alternatives.append(([], []))
            continue
        if word:
            negated, phrase = word.startswith("-"), word.lstrip("-")
        if not _HAS_WORD.search(phrase):
            continue
        included, excluded = alternatives[-1]
        (excluded if negated else included).append('"{}"'.format(phrase.replace('"', '""')))
    # FTS5 can only exclude from something, so an alternative of exclusions alone is dropped.
    return " OR ".join(
        "({})".format(" ".join(included) + "".join(f" NOT {term}" for term in excluded))
        for included, excluded in alternatives
        if included
    )


def index_articles(articles):
    """Write the searchable text of `articles` into the database's full-text index; return how many."""
    connection = connections[articles.db]
    if connection.vendor == "postgresql":
        # Indexing is not an edit: keep the version, so open change forms stay valid.
        return articles.update(search_vector=SEARCH_VECTOR, version=F("version"))
    if connection.vendor != "sqlite":
        return 0  # Other databases have no index; saving must still work there.
    count = 0
    rows = articles.values_list("pk", "headline", "standfirst", "body").iterator(chunk_size=500)
    with transaction.atomic(using=articles.db), connection.cursor() as cursor:
        for batch in batched(rows, 500):
            _delete_sqlite_entries(connection, cursor, [pk for pk, *_ in batch])
            cursor.executemany(
                f"INSERT INTO {_sqlite_table(connection)} (rowid, headline, standfirst, body) VALUES (%s, %s, %s, %s)",
                [(pk, headline, standfirst, html_to_text(body)) for pk, headline, standfirst, body in batch],
            )
            count += len(batch)
    return count


def rebuild_index(using=DEFAULT_DB_ALIAS):
    """Index every article afresh, forgetting whatever the index held, in one segment; return how many."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {_sqlite_table(connection)}")
        count = index_articles(Article.objects.using(using).all())
    compact_index(using)
    return count


def _sqlite_table(connection):
    return connection.ops.quote_name(SearchEntry._meta.db_table)


def _delete_sqlite_entries(connection, cursor, pks):
    cursor.executemany(f"DELETE FROM {_sqlite_table(connection)} WHERE rowid = %s", [(pk,) for pk in pks])


def forget_articles(pks, using="default"):
    """Remove deleted articles from SQLite's index; PostgreSQL's goes with the rows."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            _delete_sqlite_entries(connection, cursor, pks)


# SQLite's FTS5 keeps its index as segments, b-trees it merges only level by level as
# it grows, so a search looks a word up in each of them: at 200,000 stories, in 21
# segments (three of over 10,000 pages), a search result's snippet took 0.47 ms,
# against 0.07 ms in one segment. compact_index() merges them into one when those
# beside the largest hold more than this share of the index, so that rewriting the
# index whole costs at most ten times what was written to it since (7–13 s at 200,000).
COMPACT_OUTSIDE_LARGEST = 0.1
# FTS5 merges about this many pages a step; each step is a transaction of its own, so a
# writer waits for one step (0.18 s for most, 2.8 s for the longest at 200,000), not for
# the whole merge.
MERGE_PAGES = 500


def index_segments(using=DEFAULT_DB_ALIAS):
    """
    Return the size in pages of each segment of SQLite's full-text index, largest
    first, as its term index (the `_idx` shadow table) tells: the page of each
    segment's last term. Empty on PostgreSQL, whose GIN index keeps itself.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(pgno) FROM {connection.ops.quote_name(SearchEntry._meta.db_table + '_idx')} "
            "GROUP BY segid ORDER BY 1 DESC"
        )
        return [pages for (pages,) in cursor.fetchall()]


def index_needs_compacting(using=DEFAULT_DB_ALIAS):
    """Tell whether the segments beside the largest hold more than COMPACT_OUTSIDE_LARGEST of SQLite's index."""
    segments = index_segments(using)
    return len(segments) > 1 and sum(segments[1:]) > COMPACT_OUTSIDE_LARGEST * sum(segments)


def compact_index(using=DEFAULT_DB_ALIAS):
    """Merge SQLite's full-text index into one segment, MERGE_PAGES at a time; return how many steps it took."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return 0
    table = _sqlite_table(connection)
    steps = 0
    with connection.cursor() as cursor:
        while True:
            # FTS5's "merge" with a negative number merges every segment, not only a
            # level's; it changes fewer than two rows once nothing is left to merge.
            changes = connection.connection.total_changes
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('merge', %s)", [-MERGE_PAGES])
            if connection.connection.total_changes - changes < 2:
                return steps
            steps += 1


def search_article_list(queryset, words, *, until=None):
    """
    Find the stories of the admin's article list (ArticleAdmin.full_text_search), through
    the full-text index. `until`, when the list is known to hold many matches, is how
    many of them in the list's order the caller will read (the end of its page); on
    PostgreSQL the page is then read as ListedMatches reads it. SQLite's FTS5 hands over
    every match (107 ms for 8,000 of 200,000 stories).
    """
    query = clean_query(words)
    matches = search_articles(queryset, words, newest_first=None)
    if until is None or not query or connections[queryset.db].vendor != "postgresql":
        return matches
    walked = _PostgreSQLSearch(query).matching_in_order(queryset)
    newest = queryset.values("pk")[:WALK_SAMPLE]
    hits = walked.filter(pk__in=newest).count()
    if hits and until * WALK_SAMPLE / hits <= WALK_ROWS:
        return ListedMatches(matches, walked=walked)
    return ListedMatches(matches)


# The admin's walk is planned to read no more than WALK_ROWS stories (about 120 ms); one
# that takes longer than this has found the matches sparser past the sample than in it.
WALK_SECONDS = 0.3


class ListedMatches(_ReadByPage):
    """
    Many matches in the order of the admin's list, for the change list to slice. If the
    newest of the list promise that the page ends near its top, it is read by walking
    the list in its order, testing each story (`walked`), if that ends within
    WALK_SECONDS. Otherwise it is read through the full-text index, every match sorted
    in the list's order: PostgreSQL would walk the list's date index for a word its
    statistics call common, as far back as the matches lie. A word in five of the newest
    stories and otherwise only in 60,000 of the oldest took 10 s either way at a million.
    """

    def __init__(self, matches, *, walked=None):
        self.matches = matches
        self.walked = walked

    def read(self, page):
        if self.walked is not None:
            try:
                with search_limits(self.walked.db, WALK_SECONDS):
                    return list(self.walked[page])
            except OperationalError as error:
                if not took_too_long(error):
                    raise
        # The page's ids through the full-text index, then its stories by id.
        with matches_read_whole(self.matches.db):
            pks = list(self.matches.values_list("pk", flat=True)[page])
        return list(self.matches.filter(pk__in=pks))


@contextmanager
def matches_read_whole(using):
    """
    Keep PostgreSQL, in this block, from walking an index in a list's order or joining
    row by row, which both test stories one by one until the page is full: a search
    then reads its matches through the full-text index (a bitmap scan), joins them to
    the rest of the list whole (a tag's links) and sorts them. Its planner, knowing
    how common a word is but not where its matches lie, may otherwise walk the list
    back to the oldest of them. (A reader's search reads one table in one order, so
    ordering by _UnindexedDate does there, in one query; by a tag's link's date, the
    planner sorted the tag's 261,026 links and walked them, testing each story: 4.5 s.)
    """
    with local_settings(using, enable_indexscan="off", enable_indexonlyscan="off", enable_nestloop="off"):
        yield
