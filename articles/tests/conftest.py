import pytest


@pytest.fixture
def draft_by(make_article):
    """Create a draft bylined to the given reporter's author profile."""

    def make(user, **overrides):
        overrides.setdefault("status", "draft")
        overrides.setdefault("published_at", None)
        return make_article(authors=[user.author], created_by=user, **overrides)

    return make
