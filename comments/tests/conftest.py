import pytest
from django.contrib.auth.models import Group
from django.urls import reverse


@pytest.fixture
def editor(make_user):
    user = make_user(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def reporter(make_user):
    user = make_user(username="reporter")
    user.groups.add(Group.objects.get(name="Reporters"))
    return user


@pytest.fixture
def post_comment(client):
    """Post the comment form for an article as a reader would; override any field."""

    def post(article, follow=False, **overrides):
        data = {"name": "Jane Reader", "email": "jane@example.net", "text": "A fair account.", "website": ""}
        data.update(overrides)
        return client.post(reverse("comments:post", args=[article.pk]), data, follow=follow)

    return post
