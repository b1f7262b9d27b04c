"""Optimistic locking: a save made from an out-of-date copy of an article is refused."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from articles.models import Article, EditConflict


@pytest.mark.django_db
class TestVersion:
    def test_new_article_starts_at_version_one_and_each_save_adds_one(self, make_article):
        article = make_article()
        assert article.version == 1
        article.headline = "Changed"
        article.save()
        article.save()
        assert article.version == 3
        article.refresh_from_db()
        assert article.version == 3

    def test_queryset_update_bumps_the_version_too(self, make_article):
        article = make_article()
        Article.objects.filter(pk=article.pk).update(dateline="Seoul")
        article.refresh_from_db()
        assert (article.dateline, article.version) == ("Seoul", 2)

    def test_update_fields_save_is_checked_and_bumps(self, make_article):
        article = make_article()
        stale = Article.objects.get(pk=article.pk)
        article.save(update_fields=["headline"])
        stale.standfirst = "Lost?"
        with pytest.raises(EditConflict):
            stale.save(update_fields=["standfirst"])
        article.refresh_from_db()
        assert article.version == 2
        assert article.standfirst != "Lost?"


@pytest.mark.django_db
class TestNoLostUpdate:
    def test_second_of_two_copies_is_refused_and_the_first_kept(self, make_article):
        article = make_article(headline="Original")
        first = Article.objects.get(pk=article.pk)
        second = Article.objects.get(pk=article.pk)

        first.headline = "First editor's headline"
        first.save()
        second.headline = "Second editor's headline"
        with pytest.raises(EditConflict) as conflict:
            second.save()

        assert conflict.value.expected_version == 1
        assert second.version == 1
        stored = Article.objects.get(pk=article.pk)
        assert stored.headline == "First editor's headline"
        assert stored.version == 2

    def test_refreshed_copy_can_save_again(self, make_article):
        article = make_article()
        stale = Article.objects.get(pk=article.pk)
        article.save()
        stale.refresh_from_db()
        stale.headline = "After reloading"
        stale.save()
        assert Article.objects.get(pk=article.pk).headline == "After reloading"

    def test_failed_save_leaves_version_as_it_was(self, make_article):
        taken = make_article(slug="taken")
        article = make_article()
        article.slug = taken.slug
        with pytest.raises(IntegrityError), transaction.atomic():
            article.save()
        assert article.version == 1
        assert Article.objects.get(pk=article.pk).version == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers with a file lock instead")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_from_two_connections_lose_nothing(make_article):
    """Two threads, each with its own connection, save copies of version 1 at the same moment."""
    article = make_article(headline="Original")
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(name):
        try:
            copy = Article.objects.get(pk=article.pk)
            copy.headline = f"Headline by {name}"
            barrier.wait(timeout=10)
            try:
                copy.save()
                outcomes[name] = "saved"
            except EditConflict:
                outcomes[name] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == f"Headline by {winner}"
    assert stored.version == 2
