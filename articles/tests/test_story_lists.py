"""The article page reads a story's tags, sources and corrections with the story itself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Correction


@pytest.fixture
def story(make_article, make_organisation):
    article = make_article(
        tags=["Økonomi", "asylum", "Politics"],
        sources=[make_organisation(name="Reuters"), make_organisation(name="Associated Press")],
    )
    now = timezone.now()
    Correction.objects.create(article=article, text="Older fix.", created_at=now - timedelta(days=1))
    Correction.objects.create(
        article=article, text='Newer update, with "quotes" and <angle> brackets.', kind=Correction.Kind.UPDATE
    )
    return article


def describe(article):
    return (
        [(tag.pk, tag.name, tag.slug) for tag in article.tag_list],
        [(organisation.pk, organisation.name, organisation.get_absolute_url()) for organisation in article.source_list],
        [(note.pk, note.kind, note.text, note.created_at) for note in article.correction_list],
    )


@pytest.mark.django_db
def test_the_story_query_brings_the_same_lists_as_reading_them_separately(story, django_assert_num_queries):
    separately = describe(Article.objects.get(pk=story.pk))
    # The story with its lists, and its bylines.
    with django_assert_num_queries(2):
        together = describe(Article.objects.for_detail().get(pk=story.pk))
    assert together == separately
    tags, sources, corrections = together
    assert [name for _pk, name, _slug in tags] == ["asylum", "Politics", "Økonomi"]
    assert [name for _pk, name, _url in sources] == ["Associated Press", "Reuters"]
    assert [text[:12] for _pk, _kind, text, _at in corrections] == ["Newer update", "Older fix."]
    assert all(timezone.is_aware(at) for *_rest, at in corrections)


@pytest.mark.django_db
def test_a_story_without_lists_has_empty_ones(make_article, django_assert_num_queries):
    article = make_article(tags=[])
    with django_assert_num_queries(2):
        loaded = Article.objects.for_detail().get(pk=article.pk)
        assert (loaded.tag_list, loaded.source_list, loaded.correction_list) == ([], [], [])


@pytest.mark.django_db
def test_a_field_left_out_of_the_lists_is_read_when_asked_for(story, django_assert_num_queries):
    """A source is built with only what the page shows; any other field is deferred, never a wrong default."""
    source = Article.objects.for_detail().get(pk=story.pk).source_list[0]
    with django_assert_num_queries(1):
        kind = source.kind
    assert kind == type(source).objects.get(pk=source.pk).kind
