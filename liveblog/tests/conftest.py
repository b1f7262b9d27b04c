from datetime import timedelta

import pytest
from django.utils import timezone

from liveblog.models import Entry, LiveBlog


@pytest.fixture
def live_blog(make_article, reporter):
    """A published story bylined to the reporter, made a live blog an hour ago."""
    article = make_article(authors=[reporter.author], headline="Election night", created_by=reporter)
    return LiveBlog.objects.create(article=article, coverage_started_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def add_entries():
    """Add `count` entries to a live blog, a minute apart, the last the newest."""

    def add(live_blog, count, **fields):
        start = timezone.now() - timedelta(minutes=count + 1)
        return [
            Entry.objects.create(
                live_blog=live_blog,
                text=f"<p>Update number {n}.</p>",
                created_at=start + timedelta(minutes=n),
                **fields,
            )
            for n in range(count)
        ]

    return add
