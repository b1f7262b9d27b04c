"""The article page runs the same few queries however many comments it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.test_query_budget import ARTICLE_QUERIES, warm_site_cache
from comments.models import Comment


@pytest.mark.django_db
def test_article_page_query_count_does_not_grow_with_comments(
    client, make_article, make_comment, django_assert_num_queries
):
    article = make_article(tags=["a", "b"])
    make_comment(article=article, status=Comment.Status.APPROVED)
    warm_site_cache()
    with CaptureQueriesContext(connection) as few:
        client.get(article.get_absolute_url())
    assert len(few.captured_queries) <= ARTICLE_QUERIES

    for _ in range(25):
        make_comment(article=article, status=Comment.Status.APPROVED)
        make_comment(article=article)
    warm_site_cache()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(article.get_absolute_url())
    assert '<h2 id="comments-heading">26 comments</h2>' in response.content.decode()


@pytest.mark.django_db
def test_re_shown_form_stays_within_budget(client, make_article, make_comment, django_assert_max_num_queries):
    article = make_article(tags=["a", "b"])
    for _ in range(10):
        make_comment(article=article, status=Comment.Status.APPROVED)
    warm_site_cache()
    with django_assert_max_num_queries(ARTICLE_QUERIES):
        response = client.post(reverse("comments:post", args=[article.pk]), {"name": "", "email": "", "text": ""})
    assert response.status_code == 200
    assert '<h2 id="comments-heading">10 comments</h2>' in response.content.decode()
