from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline
from authors.models import Author
from demo.archive import ArchiveGenerator, Pools
from search.backends import index_segments, search_articles

pytestmark = pytest.mark.django_db

COUNT = 30


def seed(*args):
    """Run the command and return what it printed."""
    out, err = StringIO(), StringIO()
    call_command("seed_archive", *map(str, args), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def seeded():
    return Article.objects.filter(slug__startswith=Pools.load().slug_prefix)


def test_seeds_published_stories_with_bylines_tags_sources_and_photos():
    output = seed(COUNT)

    assert "30 created" in output
    assert "100%" in output  # The progress bar.
    stories = list(seeded().prefetch_related("tags", "bylines", "sources"))
    assert len(stories) == COUNT
    assert Article.objects.published().filter(pk__in=[story.pk for story in stories]).count() == COUNT
    now = timezone.now()
    for story in stories:
        assert story.is_published()
        assert story.published_at < now
        assert story.created_at == story.updated_at == story.published_at
        assert 3 <= len(story.tags.all()) <= 5
        assert 1 <= len(story.bylines.all()) <= 3
        assert story.body.startswith("<p><em>")
        assert story.headline and story.standfirst and story.dateline
    # Spread over years, with photos on some and sources on some.
    years = {story.published_at.year for story in stories}
    assert len(years) >= 3
    assert 0 < sum(story.photo_id is not None for story in stories) < COUNT
    assert 0 < sum(bool(story.sources.all()) for story in stories)
    # A few library photos serve every story that has one.
    assert len({story.photo_id for story in stories if story.photo_id}) <= 6


def test_tags_and_authors_come_from_pools():
    seed(COUNT)

    pools = Pools.load()
    assert Tag.objects.filter(name__in=pools.tags).count() == len(pools.tags) == 500
    assert Author.objects.count() == len(pools.authors)
    bylines = Counter(Byline.objects.filter(article__in=seeded()).values_list("author_id", flat=True))
    assert len(bylines) > 1


def test_search_finds_the_seeded_stories_in_an_index_of_one_segment():
    seed(COUNT, "--batch-size", 5, "--jobs", 1)

    story = seeded().earliest("published_at")
    found = search_articles(Article.objects.published(), story.headline.split(": ", 1)[1])
    assert story in found
    # On SQLite the batches' segments are merged; PostgreSQL has none to tell.
    assert len(index_segments()) == (1 if connection.vendor == "sqlite" else 0)


def test_rerunning_adds_only_the_missing_stories():
    seed(COUNT)
    first = dict(seeded().values_list("slug", "published_at"))

    output = seed(COUNT + 5)

    assert "5 created, 30 already there" in output
    after = dict(seeded().values_list("slug", "published_at"))
    assert len(after) == COUNT + 5
    assert {slug: after[slug] for slug in first} == first
    assert Tag.objects.count() == 500


def test_reset_deletes_the_seeded_stories_and_only_them(make_article):
    own = make_article()
    seed(COUNT)

    output = seed(10, "--reset")

    assert "Deleted 30 seeded stories." in output
    assert seeded().count() == 10
    assert Article.objects.filter(pk=own.pk).exists()


def test_the_same_index_gives_the_same_story():
    pools = Pools.load()
    newest = timezone.now()
    one = ArchiveGenerator(pools, ["world", "sport"], newest)
    other = ArchiveGenerator(pools, ["world", "sport"], newest)

    backwards = {index: other.story(index) for index in (123, 7, 0)}
    assert [one.story(index) for index in (0, 7, 123)] == [backwards[index] for index in (0, 7, 123)]


def test_refuses_a_negative_count():
    with pytest.raises(CommandError):
        seed(-1)
