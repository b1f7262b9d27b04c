"""SQLite's full-text index is merged into one segment when it has grown in pieces."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from search import backends
from search.backends import compact_index, index_needs_compacting, index_segments, rebuild_index, search_articles

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")


@pytest.fixture
def index_in_pieces(make_article):
    """Forty stories, each indexed as it is saved: FTS5 writes a segment a save."""
    for number in range(40):
        make_article(headline=f"Harbour story {number}", body=f"<p>The harbour master spoke of tide {number}.</p>")
    return index_segments()


def found(words):
    return [
        (article.pk, article.snippet)
        for article in search_articles(Article.objects.published(), words, newest_first=True)
    ]


@sqlite_only
def test_stories_saved_one_by_one_leave_the_index_in_pieces(index_in_pieces):
    assert len(index_in_pieces) > 1
    assert index_needs_compacting()


@sqlite_only
def test_compacting_merges_the_index_into_one_segment_that_finds_the_same(index_in_pieces):
    before = found("harbour tide")

    assert compact_index() > 0

    assert len(index_segments()) == 1
    assert not index_needs_compacting()
    assert found("harbour tide") == before and len(before) == 40
    assert all("<mark>harbour</mark>" in snippet for _pk, snippet in before)
    assert compact_index() == 0  # Nothing left to merge.


@sqlite_only
def test_each_tick_of_the_clock_has_an_index_in_pieces_merged(index_in_pieces):
    call_command("tick")

    assert len(index_segments()) == 1


@sqlite_only
def test_rebuilding_the_index_leaves_it_in_one_segment(index_in_pieces):
    assert rebuild_index() == 40

    assert len(index_segments()) == 1
    assert len(found("harbour")) == 40


@pytest.mark.parametrize(
    "segments, needed",
    [
        ([1000], False),
        ([1000, 60, 51], False),  # 111 pages of 1,111 outside the largest: a tenth, not more.
        ([1000, 60, 52], True),
        ([10, 10], True),
        ([], False),
    ],
)
def test_the_index_is_compacted_once_a_tenth_of_it_lies_outside_its_largest_segment(monkeypatch, segments, needed):
    monkeypatch.setattr(backends, "index_segments", lambda using="default": segments)

    assert index_needs_compacting() is needed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgresql_keeps_its_own_index(make_article):
    make_article(headline="Harbour story")

    call_command("tick")

    assert index_segments() == []
    assert not index_needs_compacting()
    assert compact_index() == 0
