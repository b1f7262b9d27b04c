"""Full-text search, on whichever database the suite runs against (run it on both)."""

import importlib
import pkgutil
import re
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Func, TextField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import migrations
from articles.models import Article, Section
from articles.tests.test_query_budget import QUERY_BUDGET, TEST_ONLY_STATEMENTS, warm_site_cache
from newsroom.statistics import refresh_planner_statistics
from search import backends
from search.backends import MAX_QUERY_LENGTH, fts5_query, search_articles
from search.forms import SearchForm

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("search:search")
KIM_HEADLINE = "North Korea’s Kim leaves Russia, given drones as gift"


def search(query):
    """Return the published articles matching `query`, as the search page finds them."""
    return list(search_articles(Article.objects.published(), query))


def search_page(client, **params):
    response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return response


def found(response):
    return list(response.context["page_obj"].object_list)


def index_row_count():
    """Count the rows of the database's own index."""
    if connection.vendor == "postgresql":
        return Article.objects.filter(search_vector__isnull=False).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article_search")
        return cursor.fetchone()[0]


class TestDemoStory:
    @pytest.mark.parametrize("query", ["Artyom-Primorsky-1", "kamikaze drones", "bulletproof vest"])
    def test_found_by_words_from_its_body(self, client, query):
        call_command("load_demo", "--no-samples", verbosity=0)

        response = search_page(client, q=query)

        (article,) = found(response)
        assert article.headline == KIM_HEADLINE
        html = response.content.decode()
        assert f'href="{article.get_absolute_url()}"' in html
        assert "<mark>" in str(article.snippet)
        assert "1 result for" in html


class TestRanking:
    def test_headline_match_outranks_body_match(self, make_article):
        in_body = make_article(headline="Council meets", body="<p>A zeppelin flew over.</p>")
        in_headline = make_article(
            headline="Zeppelin lands in park",
            body="<p>Crowds gathered.</p>",
            published_at=timezone.now() - timedelta(days=3),
        )

        results = search("zeppelin")

        assert results == [in_headline, in_body]
        assert results[0].rank > results[1].rank

    def test_standfirst_match_outranks_body_match(self, make_article):
        in_body = make_article(standfirst="Nothing to see.", body="<p>The zeppelin returned.</p>")
        in_standfirst = make_article(
            standfirst="A zeppelin returned.", body="<p>Quiet day.</p>", published_at=timezone.now() - timedelta(days=3)
        )

        assert search("zeppelin") == [in_standfirst, in_body]

    def test_words_are_stemmed(self, make_article):
        article = make_article(body="<p>Engineers were testing drones.</p>")
        assert search("drone tested") == [article]


class TestOrder:
    @pytest.fixture
    def matches(self, make_article):
        """Three stories about a zeppelin, the oldest the best match (the word in its headline)."""
        best = make_article(headline="Zeppelin lands in park", published_at=timezone.now() - timedelta(days=3))
        older = make_article(body="<p>A zeppelin flew over.</p>", published_at=timezone.now() - timedelta(days=2))
        newest = make_article(body="<p>The zeppelin left.</p>", published_at=timezone.now() - timedelta(days=1))
        return best, older, newest

    def test_results_come_newest_first_unless_the_reader_asks_for_the_best_match(self, client, matches):
        best, older, newest = matches

        newest_first = search_page(client, q="zeppelin")
        assert found(newest_first) == [newest, older, best]
        assert "<mark>zeppelin</mark>" in str(found(newest_first)[0].snippet)
        assert found(search_page(client, q="zeppelin", order="best"))[0] == best

    def test_the_best_match_is_found_among_the_newest_matches_only(self, matches, monkeypatch):
        _best, older, newest = matches
        monkeypatch.setattr(backends, "RELEVANCE_WINDOW", 2)

        assert set(search_articles(Article.objects.published(), "zeppelin")) == {older, newest}

    def test_the_ranked_matches_are_bounded_in_the_query(self, matches):
        with CaptureQueriesContext(connection) as queries:
            list(search_articles(Article.objects.published(), "zeppelin"))
        assert f"LIMIT {backends.RELEVANCE_WINDOW}" in queries[-1]["sql"]

    def test_an_unknown_order_is_a_form_error_that_keeps_the_words(self, client, matches):
        response = search_page(client, q="zeppelin", order="loudest")
        assert found(response) == []
        html = response.content.decode()
        assert "Choose newest first or best match first." in html
        assert 'value="zeppelin"' in html


class TestSnippets:
    def test_snippet_marks_the_matched_words(self, make_article):
        make_article(body="<p>Before the match. The zeppelin flew over the <em>old</em> harbour.</p>")

        (result,) = search("zeppelin")

        assert "<mark>zeppelin</mark> flew over the old harbour" in result.snippet

    def test_article_text_cannot_inject_markup(self, client, make_article):
        article = make_article(
            headline="Zeppelin <b>news</b>",
            body='<p>&lt;script&gt;alert(1)&lt;/script&gt; zeppelin &amp; "friends" \x02</p>',
        )
        # A body written around the sanitiser must still come out inert.
        Article.objects.filter(pk=article.pk).update(
            body='<p><img src=x onerror="alert(2)"><script>alert(3)</script> zeppelin</p><mark>x'
        )
        call_command("update_search_index", stdout=StringIO())

        response = search_page(client, q="zeppelin")

        (result,) = found(response)
        html = response.content.decode()
        assert "<script>" not in html and "<img" not in html and "onerror=" not in result.snippet
        assert "<mark>zeppelin</mark>" in result.snippet
        assert result.snippet.count("<mark>") == result.snippet.count("</mark>") == 1
        assert "Zeppelin &lt;b&gt;news&lt;/b&gt;" in html

    def test_escaped_text_is_shown_as_text(self, make_article):
        make_article(body="<p>Words before &lt;script&gt; zeppelin &amp; friends</p>")

        (result,) = search("zeppelin")

        assert "&lt;script&gt; <mark>zeppelin</mark> &amp; friends" in result.snippet

    def test_tags_and_link_addresses_are_not_indexed(self, make_article):
        make_article(body='<p><strong>Bold</strong> <a href="https://example.com/hiddenword">link</a></p>')

        assert search("strong") == []
        assert search("hiddenword") == []
        assert len(search("bold link")) == 1

    def test_captions_and_embed_titles_in_the_body_are_indexed(self, make_article):
        make_article(
            body='<p>Text.</p><figure data-photo="7" data-caption="A heron at dawn"></figure>'
            '<figure data-embed="https://youtu.be/dQw4w9WgXcQ" data-title="The zeppelin lands"></figure>'
        )

        assert len(search("heron")) == 1
        assert len(search("zeppelin")) == 1
        assert search("youtu") == []

    def test_article_without_body_falls_back_to_standfirst(self, client, make_article):
        make_article(headline="Zeppelin spotted", standfirst="Seen from the pier.", body="")

        html = search_page(client, q="zeppelin").content.decode()

        assert "Seen from the pier." in html


class TestWhatIsFound:
    @pytest.mark.parametrize(
        "overrides",
        [
            {"status": Article.Status.DRAFT, "published_at": None},
            {"status": Article.Status.REVIEW, "published_at": None},
            {"published_at": timezone.now() + timedelta(days=1)},
            {"status": Article.Status.DRAFT, "published_at": timezone.now() - timedelta(days=1)},
        ],
        ids=["draft", "review", "scheduled", "unpublished"],
    )
    def test_unpublished_articles_are_never_found(self, client, make_article, overrides):
        make_article(headline="Zeppelin secret", **overrides)

        response = search_page(client, q="zeppelin")

        assert found(response) == []
        assert "Zeppelin secret" not in response.content.decode()

    def test_edited_text_is_reindexed(self, make_article):
        article = make_article(headline="Zeppelin lands")
        article.headline = "Airship lands"
        article.save()

        assert search("zeppelin") == []
        assert search("airship") == [article]

    def test_saving_other_fields_keeps_the_index(self, make_article):
        article = make_article(headline="Zeppelin lands")
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status"])
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)

        assert search("zeppelin") == [article]

    def test_deleted_articles_leave_the_index(self, make_article):
        kept = make_article(headline="Zeppelin kept")
        gone = make_article(headline="Zeppelin gone")
        make_article(headline="Zeppelin also gone")
        rows = index_row_count()

        gone.delete()
        Article.objects.filter(headline="Zeppelin also gone").delete()

        assert search("zeppelin") == [kept]
        assert index_row_count() == rows - 2

    def test_phrases_alternatives_and_exclusions(self, make_article):
        red = make_article(body="<p>The red zeppelin landed.</p>")
        blue = make_article(body="<p>The blue zeppelin landed red-faced.</p>")

        assert search('"red zeppelin"') == [red]
        assert set(search("zeppelin -blue")) == {red}
        assert set(search("airship OR landed")) == {red, blue}

    def test_migration_indexes_existing_articles(self, make_article):
        article = make_article(headline="Zeppelin before search existed")
        if connection.vendor == "postgresql":
            Article.objects.update(search_vector=None)
        else:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM articles_article_search")
        assert search("zeppelin") == []

        # Found by name, whatever number the migration has once branches are merged.
        (name,) = [m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.endswith("_search_index")]
        migration = importlib.import_module(f"{migrations.__name__}.{name}")
        migration.fill_index(apps, SimpleNamespace(connection=connection))

        assert search("zeppelin") == [article]

    def test_update_search_index_command(self, make_article):
        article = make_article(headline="Zeppelin lands")
        Article.objects.filter(pk=article.pk).update(headline="Airship lands")
        assert search("airship") == []

        out = StringIO()
        call_command("update_search_index", stdout=out)

        assert search("airship") == [article]
        assert search("zeppelin") == []
        assert "Indexed 1 article" in out.getvalue()


class TestSearchPage:
    def test_empty_query_shows_the_form_only(self, client, make_article):
        make_article(headline="Zeppelin")

        for params in ({}, {"q": ""}, {"q": "   "}):
            response = search_page(client, **params)
            html = response.content.decode()
            assert found(response) == []
            assert 'role="search"' in html and 'name="q"' in html
            assert "errorlist" not in html and "result" not in html.split('id="content"')[1].split("</form>")[1]

    @pytest.mark.parametrize(
        "query",
        [
            '"',
            "AND",
            "OR",
            "*",
            "NEAR(",
            "NEAR(a b",
            "-",
            "'",
            "%",
            "\\",
            "zeppelin:",
            "^x",
            "a AND",
            "NOT zeppelin",
            "日本語のニュース",
            "Zürich café",
            "🙂",
            "\x01",
            "((",
            '"unclosed zeppelin',
            "-zeppelin",
            "the",
        ],
    )
    def test_odd_queries_give_a_normal_page(self, client, make_article, query):
        make_article(headline="Zeppelin over Zürich", body="<p>The NEAR future and more.</p>")

        response = search_page(client, q=query)

        assert "<form" in response.content.decode()

    def test_a_null_character_is_a_bad_request(self, client, make_article):
        make_article(headline="Zeppelin")

        response = client.get(SEARCH_URL, {"q": "zeppelin\x00"})

        # Refused before the search is read, as in every address (newsroom.nul_bytes).
        assert response.status_code == 400
        assert "The address or form could not be understood" in response.content.decode()

    def test_long_query_is_refused_with_a_message_and_kept(self, client, make_article):
        make_article(headline="Zeppelin")
        query = "zeppelin " * 111

        response = search_page(client, q=query)

        html = response.content.decode()
        assert found(response) == []
        assert f"at most {MAX_QUERY_LENGTH} characters" in html
        assert response.context["form"]["q"].value() == query
        longest = ("zeppelin " * 25)[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
        assert found(search_page(client, q=longest))

    def test_filters_by_section_and_author(self, client, make_article, make_author, make_section):
        world = make_section(name="World", slug="world")
        sport = make_section(name="Sport", slug="sport")
        ann, bob = make_author(name="Ann", slug="ann"), make_author(name="Bob", slug="bob")
        world_ann = make_article(headline="Zeppelin world", section=world, authors=[ann])
        world_both = make_article(headline="Zeppelin world two", section=world, authors=[bob, ann])
        sport_bob = make_article(headline="Zeppelin sport", section=sport, authors=[bob])

        def results(**params):
            return set(found(search_page(client, q="zeppelin", **params)))

        assert results() == {world_ann, world_both, sport_bob}
        assert results(section="world") == {world_ann, world_both}
        assert results(author="bob") == {world_both, sport_bob}
        assert results(section="world", author="bob") == {world_both}
        assert results(author=" Bob ") == {world_both, sport_bob}, "By the name on a byline, too"
        html = search_page(client, q="zeppelin", section="world", author="Bob").content.decode()
        assert '<option value="world" selected>' in html
        assert 'name="author" value="Bob"' in html

    def test_the_form_does_not_list_every_author(self, client, make_article, make_author):
        for n in range(30):
            make_author(name=f"Writer {n}")
        make_article(headline="Zeppelin")
        with CaptureQueriesContext(connection) as queries:
            search_page(client, q="zeppelin", author="Writer 7")
        author_queries = [query["sql"] for query in queries if 'FROM "authors_author"' in query["sql"]]
        assert len(author_queries) == 1
        assert "WHERE" in author_queries[0] and "LIMIT 1" in author_queries[0]

    def test_the_sections_to_choose_from_are_the_navigations_without_a_query(self, client, make_article, make_section):
        make_section(name="Sport", slug="sport", position=2)
        make_section(name="World", slug="world", position=1)
        make_article(headline="Zeppelin")
        warm_site_cache()

        with CaptureQueriesContext(connection) as queries:
            html = search_page(client, q="zeppelin").content.decode()

        assert not [query["sql"] for query in queries if 'FROM "articles_section"' in query["sql"]]
        section_list = re.search(r'<select name="section".*?</select>', html, re.DOTALL)[0]
        options = re.findall(r'<option value="([^"]*)"', section_list)
        assert options == ["", *(section.slug for section in Section.objects.all())]
        assert options.index("world") < options.index("sport")
        with CaptureQueriesContext(connection) as counting:
            choices = SearchForm().fields["section"].choices
            assert len(choices) == len(options) and choices
        assert not counting.captured_queries

    @pytest.mark.parametrize(
        ("params", "message"),
        [({"section": "nowhere"}, "There is no such section"), ({"author": "nobody"}, "There is no such author")],
    )
    def test_unknown_filter_gives_no_results_and_a_message(self, client, make_article, params, message):
        make_article(headline="Zeppelin")

        response = search_page(client, q="zeppelin", **params)

        assert found(response) == []
        assert message in response.content.decode()
        assert response.context["form"]["q"].value() == "zeppelin"

    def test_twenty_a_page_and_pagination_keeps_the_search(self, client, make_article, make_section):
        world = make_section(slug="world")
        for _ in range(21):
            make_article(headline="Zeppelin again", section=world)

        first = search_page(client, q="zeppelin", section="world")
        second = search_page(client, q="zeppelin", section="world", page=2)

        assert len(found(first)) == 20 and len(found(second)) == 1
        # Counting every match would cost a second search; the heading counts only a lone page.
        assert "Results for" in first.content.decode()
        assert 'href="?q=zeppelin&amp;section=world&amp;page=2"' in first.content.decode()
        assert 'href="?q=zeppelin&amp;section=world&amp;page=1"' in second.content.decode()

    @pytest.mark.parametrize("page", ["99", "abc", "-1"])
    def test_bad_page_is_404(self, client, make_article, page):
        make_article(headline="Zeppelin")
        assert client.get(SEARCH_URL, {"q": "zeppelin", "page": page}).status_code == 404

    def test_every_page_has_a_search_box(self, client, make_article):
        article = make_article()
        for url in ("/", article.get_absolute_url(), article.section.get_absolute_url()):
            html = client.get(url).content.decode()
            form = f'<form class="site-search" role="search" aria-label="Site" action="{SEARCH_URL}" method="get">'
            assert form in html
            assert '<label class="visually-hidden" for="site-search-q">Search stories</label>' in html


class TestFts5Query:
    @pytest.mark.parametrize(
        ("typed", "query"),
        [
            ("kamikaze drones", '("kamikaze" "drones")'),
            ('"kamikaze drones" gift', '("kamikaze drones" "gift")'),
            ("kim OR putin", '("kim") OR ("putin")'),
            ("kim -drones", '("kim" NOT "drones")'),
            ('kim -"armored train"', '("kim" NOT "armored train")'),
            ('say "hi', '("say" "hi")'),
            ('a"b', '("a""b")'),
            ("NEAR( AND *", '("NEAR(" "AND")'),
            ("-drones", ""),
            ("OR", ""),
            ('" - * ()', ""),
        ],
    )
    def test_reader_text_becomes_string_literals(self, typed, query):
        assert fts5_query(typed) == query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_index_keeps_statistics_on_enough_words_for_rare_ones_to_look_rare():
    statistics = importlib.import_module("search.migrations.0002_search_vector_statistics")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'articles_article'::regclass "
            "AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == statistics.STATISTICS_TARGET


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_a_search_that_takes_too_long_is_stopped_with_a_message(client, make_article, monkeypatch):
    make_article(headline="Zeppelin lands in park")
    slow = Func(function="pg_sleep", template="pg_sleep(1)::text", output_field=TextField())
    monkeypatch.setattr(SearchForm, "search", lambda form, articles: articles.annotate(nap=slow))
    monkeypatch.setattr(backends, "SEARCH_SECONDS", 0.1)

    response = search_page(client, q="zeppelin")

    assert response.context["object_list"] == []
    assert "This search took too long and was stopped." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert 'value="zeppelin"' in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's work_mem")
def test_a_search_reads_its_results_with_enough_memory_and_no_parallel_workers(client, make_article):
    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('max_parallel_workers_per_gather')")
            return cursor.fetchone()

    default = settings()
    # The settings last until the search's transaction ends; in a test's, until the test's
    # own ends, unless rolled back.
    with transaction.atomic():
        with backends.search_limits(connection.alias):
            assert settings() == (backends.SEARCH_WORK_MEM, str(backends.SEARCH_PARALLEL_WORKERS))
            assert settings() != default
        transaction.set_rollback(True)
    assert settings() == default

    make_article(headline="Zeppelin lands in park")
    with CaptureQueriesContext(connection) as queries:
        assert found(search_page(client, q="zeppelin"))
    statements = [query["sql"] for query in queries]
    limits = next(i for i, sql in enumerate(statements) if "set_config" in sql)
    results = next(i for i, sql in enumerate(statements) if "ts_headline" in sql)
    assert f"'work_mem', '{backends.SEARCH_WORK_MEM}', true" in statements[limits]
    assert f"'max_parallel_workers_per_gather', '{backends.SEARCH_PARALLEL_WORKERS}', true" in statements[limits]
    assert limits < results, "The results are read within the limits"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5")
class TestSQLiteWalksNewestFirstForCommonWords:
    """
    With as many matches as the search shows (backends.MANY_MATCHES, three here), SQLite
    walks the stories' date index and tests each against the matches, stopping after the
    page; with fewer, it reads them from FTS5. Either way the page is the same.
    """

    @pytest.fixture
    def ferry_stories(self, make_article, monkeypatch):
        monkeypatch.setattr(backends, "MANY_MATCHES", 3)
        now = timezone.now()
        # Not made in date order, so that the order of ids is not the order of dates.
        for hours in (5, 1, 4, 2, 3):
            make_article(
                headline=f"Ferry crossing {hours}",
                body=f"<p>The ferry sailed at {hours}.</p>",
                published_at=now - timedelta(hours=hours),
            )
        make_article(headline="Ferry draft", status=Article.Status.DRAFT, published_at=None)
        make_article(headline="Tram story", published_at=now)

    def page_sql(self, queries):
        (sql,) = [query["sql"] for query in queries.captured_queries if "snippet(" in query["sql"]]
        return sql

    def test_a_common_word_walks_the_date_index_and_stops_after_the_page(self, client, ferry_stories):
        with CaptureQueriesContext(connection) as queries:
            response = search_page(client, q="ferry")

        headlines = [article.headline for article in found(response)]
        assert headlines == [f"Ferry crossing {hours}" for hours in (1, 2, 3, 4, 5)]
        assert all("<mark>" in article.snippet.lower() for article in found(response))
        sql = self.page_sql(queries)
        assert '+"articles_article"."id" IN' in sql, sql
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
        assert "USING INDEX article_status_published" in plan, plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan

    def test_the_walk_finds_what_reading_every_match_finds(self, ferry_stories, monkeypatch):
        walked = [
            (article.pk, article.snippet)
            for article in search_articles(Article.objects.published(), "ferry", newest_first=True)
        ]
        monkeypatch.setattr(backends, "MANY_MATCHES", 100)
        read = [
            (article.pk, article.snippet)
            for article in search_articles(Article.objects.published(), "ferry", newest_first=True)
        ]
        assert walked == read and len(walked) == 5

    def test_an_authors_stories_are_walked_through_their_bylines(self, client, ferry_stories, make_author):
        skipper = make_author(name="Skipper", slug="skipper")
        for article in Article.objects.filter(headline__in=["Ferry crossing 4", "Ferry crossing 2", "Tram story"]):
            article.bylines.create(author=skipper, position=1)
        refresh_planner_statistics()  # As the clock keeps them.
        warm_site_cache()

        with CaptureQueriesContext(connection) as queries:
            response = search_page(client, q="ferry", author="skipper")

        assert [article.headline for article in found(response)] == ["Ferry crossing 2", "Ferry crossing 4"]
        sql = self.page_sql(queries)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
        assert "USING COVERING INDEX byline_author_listed" in plan, plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan

    def test_a_rare_word_is_read_from_the_index(self, client, ferry_stories):
        with CaptureQueriesContext(connection) as queries:
            response = search_page(client, q="tram")

        assert [article.headline for article in found(response)] == ["Tram story"]
        assert '+"articles_article"."id"' not in self.page_sql(queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's walk of the date index")
class TestPostgreSQLWalksOnlyThroughTheNewestStories:
    """
    A reader's search on PostgreSQL reads a page from the matches among the newest
    stories, testing each of the very newest (backends.FIRST_WALK_STORIES, two here),
    then of a few more (backends.PAGE_WALK_STORIES, three here) when they hold it, and
    otherwise sorts every match found through the full-text index (backends.recent_first):
    a word common only in old stories no longer makes it walk the whole archive, nor a
    common word read every match in the archive.
    """

    SORTED_MATCHES = "+ interval '0'"  # backends._UnindexedDate: every match, sorted.
    TESTED_IN_TURN = ") IS TRUE"  # backends._IsTrue: each story tested, in date order.

    @pytest.fixture
    def archive(self, make_article, monkeypatch):
        """Five old stories about an airship and, newest, three about a ferry and the airship's hangar."""
        monkeypatch.setattr(backends, "FIRST_WALK_STORIES", 2)
        monkeypatch.setattr(backends, "PAGE_WALK_STORIES", 3)
        monkeypatch.setattr(backends, "WINDOW_WALK_STORIES", 3)
        now = timezone.now()
        # Not made in date order, so that the order of ids is not the order of dates.
        old = {
            days: make_article(
                headline=f"Airship {days}", body="<p>It flew.</p>", published_at=now - timedelta(days=days)
            )
            for days in (40, 10, 30, 20, 50)
        }
        for hours in (3, 1, 2):
            make_article(
                headline=f"Ferry {hours}", body="<p>The hangar is empty.</p>", published_at=now - timedelta(hours=hours)
            )
        return [old[days] for days in sorted(old)]

    def read(self, query, page, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            rows = list(search_articles(Article.objects.published(), query, **kwargs)[page])
        return [row.headline for row in rows], [query["sql"] for query in queries]

    def test_a_word_found_only_in_older_stories_is_read_through_the_full_text_index(self, client, archive):
        warm_site_cache()
        with CaptureQueriesContext(connection) as queries:
            response = search_page(client, q="airship")

        assert found(response) == archive
        statements = [query["sql"] for query in queries if not query["sql"].startswith(TEST_ONLY_STATEMENTS)]
        tested, walked, sorted_ = [sql for sql in statements if "ts_headline" in sql]
        assert self.TESTED_IN_TURN in tested and self.TESTED_IN_TURN not in walked
        assert '"articles_article"."published_at" >= ' in walked and self.SORTED_MATCHES not in walked
        assert self.SORTED_MATCHES in sorted_
        assert len(statements) <= QUERY_BUDGET, statements

    def test_a_page_the_very_newest_stories_hold_is_read_by_testing_them_alone(self, archive):
        warm_site_cache()
        headlines, statements = self.read("hangar", slice(0, 2), newest_first=True)

        assert headlines == ["Ferry 1", "Ferry 2"]
        assert len(statements) == 1 and self.TESTED_IN_TURN in statements[0]

    def test_a_page_the_newest_stories_hold_is_read_from_them(self, archive):
        warm_site_cache()
        headlines, statements = self.read("hangar", slice(0, 3), newest_first=True)

        assert headlines == ["Ferry 1", "Ferry 2", "Ferry 3"]
        tested, walked = statements
        assert self.TESTED_IN_TURN in tested
        assert self.TESTED_IN_TURN not in walked and self.SORTED_MATCHES not in walked

    def test_the_very_newest_are_tested_in_date_order_without_the_full_text_index(self, archive):
        tested = search_articles(Article.objects.published(), "hangar", newest_first=True).recent[0]
        with connection.cursor() as cursor:
            # As over an archive: on eight rows, reading them all is cheapest.
            cursor.execute("SET LOCAL enable_seqscan = off")

        plan = tested[:2].explain()
        assert re.search(r"Index Scan Backward using article_(status_)?published ", plan), plan
        assert "article_search_vector" not in plan and "Sort" not in plan, plan

    @pytest.mark.parametrize("page", [slice(0, 2), slice(1, 3), slice(2, 10), slice(3, 6)])
    def test_pages_are_the_same_as_from_reading_every_match(self, archive, page, monkeypatch):
        read_here = self.read("airship OR hangar", page, newest_first=True)[0]
        monkeypatch.setattr(backends, "PAGE_WALK_STORIES", 1000)  # More than there are: a plain query.
        assert read_here == self.read("airship OR hangar", page, newest_first=True)[0]

    def test_the_best_matches_are_ranked_among_the_newest_matches_found_either_way(self, archive, monkeypatch):
        monkeypatch.setattr(backends, "RELEVANCE_WINDOW", 2)
        assert self.read("hangar", slice(0, 10))[0] == ["Ferry 1", "Ferry 2"]
        assert self.read("airship", slice(0, 10))[0] == ["Airship 10", "Airship 20"]
        assert self.read("airship OR hangar", slice(0, 10))[0] == ["Ferry 1", "Ferry 2"]

    @pytest.fixture
    def writer(self, archive, make_author, make_article):
        """An author of three stories, none among the archive's newest: two about the hangar, then one about an airship."""
        writer = make_author(name="Writer", slug="writer")
        now = timezone.now()
        for days, headline in ((7, "Airship 7"), (5, "Hangar 5"), (6, "Hangar 6")):
            make_article(
                headline=headline, body="<p>Seen.</p>", authors=[writer], published_at=now - timedelta(days=days)
            )
        return writer

    def test_an_authors_newest_stories_are_tested_in_turn_through_their_bylines(self, writer):
        warm_site_cache()
        headlines, statements = self.read("hangar", slice(0, 2), newest_first=True, author=writer)

        assert headlines == ["Hangar 5", "Hangar 6"]
        assert len(statements) == 1 and self.TESTED_IN_TURN in statements[0]
        tested = search_articles(Article.objects.published(), "hangar", newest_first=True, author=writer).recent[0]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = tested[:2].explain()
        assert "Index Only Scan Backward using byline_author_listed" in plan, plan
        assert "article_search_vector" not in plan and "Sort" not in plan, plan

    def test_an_authors_walk_reaches_back_no_further_than_their_newest_stories(self, writer):
        results = search_articles(Article.objects.published(), "airship", newest_first=True, author=writer)

        assert list(results.recent[0][:2]) == [], "The third newest of theirs is not tested"
        assert [article.headline for article in results[:2]] == ["Airship 7"]

    def test_an_author_of_fewer_stories_than_the_walk_tests_has_them_all_tested(self, writer, monkeypatch):
        monkeypatch.setattr(backends, "FIRST_WALK_STORIES", 10)
        warm_site_cache()
        headlines, statements = self.read("airship OR hangar", slice(0, 3), newest_first=True, author=writer)

        assert headlines == ["Hangar 5", "Hangar 6", "Airship 7"]
        assert len(statements) == 1 and self.TESTED_IN_TURN in statements[0]

    @pytest.mark.parametrize("page", [slice(0, 1), slice(0, 2), slice(1, 3), slice(0, 10)])
    def test_an_authors_pages_are_the_same_as_from_reading_every_match(self, writer, page):
        results = search_articles(Article.objects.published(), "airship OR hangar", newest_first=True, author=writer)

        assert [article.pk for article in results[page]] == [article.pk for article in results.every[page]]
        assert [article.headline for article in results[:10]] == ["Hangar 5", "Hangar 6", "Airship 7"]

    def test_the_sorted_matches_cannot_be_read_by_walking_the_date_index(self, archive):
        results = search_articles(Article.objects.published(), "airship", newest_first=True)

        assert isinstance(results, backends.RecentFirst)
        plan = results.every[:10].explain()
        assert re.search(r"Sort Key: \(\((\w+\.)?published_at \+ '00:00:00'::interval\)\) DESC", plan), plan

    def test_how_far_back_the_newest_stories_reach_is_read_once_a_while(self, archive):
        with CaptureQueriesContext(connection) as first:
            self.read("airship", slice(0, 2), newest_first=True)
        with CaptureQueriesContext(connection) as second:
            self.read("airship", slice(0, 2), newest_first=True)

        assert len(first) == len(second) + 2  # How far back each walk reaches.
        assert backends.recent_cutoff("default", 2) == Article.objects.get(headline="Ferry 2").published_at
        assert backends.recent_cutoff("default", 3) == Article.objects.get(headline="Ferry 3").published_at
