import pytest
from django.urls import reverse


@pytest.fixture
def post_comment(client):
    """Post the comment form for an article as a reader would; override any field."""

    def post(article, follow=False, **overrides):
        data = {"name": "Jane Reader", "email": "jane@example.net", "text": "A fair account.", "website": ""}
        data.update(overrides)
        return client.post(reverse("comments:post", args=[article.pk]), data, follow=follow)

    return post
