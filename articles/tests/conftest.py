import pytest


@pytest.fixture
def editor(make_user):
    """A login in the Editors group."""
    return make_user(username="eddie", first_name="Eddie", last_name="Editor", groups=["Editors"])


@pytest.fixture
def reporter(make_user, make_author):
    """A login in the Reporters group, linked to an author profile."""
    user = make_user(username="rita", first_name="Rita", last_name="Reporter", groups=["Reporters"])
    make_author(user=user, name="Rita Reporter")
    return user


@pytest.fixture
def other_reporter(make_user, make_author):
    """A second reporter, whose stories are not Rita's."""
    user = make_user(username="otto", groups=["Reporters"])
    make_author(user=user, name="Otto Other")
    return user


@pytest.fixture
def draft_by(make_article):
    """Create a draft bylined to the given reporter's author profile."""

    def make(user, **overrides):
        overrides.setdefault("status", "draft")
        overrides.setdefault("published_at", None)
        return make_article(authors=[user.author], created_by=user, **overrides)

    return make
