"""Fixtures the cross-app tests in this folder share."""

import pytest

from articles import workflow
from articles.models import Article, Correction
from comments.models import Comment


@pytest.fixture
def story_published_now(make_article, make_user, make_author, make_section, make_organisation):
    editor = make_user(username="eddie", groups=["Editors"])
    author = make_author(name="Jo Reporter", slug="jo-reporter")
    story = make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        section=make_section(slug="world"),
        authors=[author],
        tags=["kim"],
        sources=[make_organisation(name="The Agency", slug="the-agency")],
    )
    workflow.publish(story, editor)
    story.refresh_from_db()
    assert story.published_at.microsecond  # A time with a fraction of a second, as a real one has.
    Correction.objects.create(article=story, text="A name was misspelt.")
    Comment.objects.create(
        article=story, name="Reader", email="r@example.org", text="Thanks", status=Comment.Status.APPROVED
    )
    return story
