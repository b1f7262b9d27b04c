"""
Which generation of cached pages is current, and until when.

Every cached page's key carries the current generation. Purging starts a new one, so
every page is built afresh once; the old entries simply expire. A generation also
knows the next moment at which readers' view changes by itself (a scheduled story
appears, an embargo lifts, a story expires, a scheduled front page takes effect): no entry outlives that moment, and the
first request after it starts a new generation. No job has to run at those times.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.models import Article
from frontpage.models import Lineup
from newsroom.cache import delete_quietly, get_quietly, set_quietly

from .signals import pages_purged

STATE_KEY = "pagecache:generation"


@dataclass(frozen=True)
class Generation:
    token: str
    # When readers' view next changes on its own; None if nothing is scheduled.
    ends_at: datetime | None

    def has_ended(self):
        return self.ends_at is not None and self.ends_at <= timezone.now()

    def seconds_left(self, limit):
        """Return how long a page may be kept: at most `limit`, and never past the end of the generation."""
        if self.ends_at is None:
            return limit
        return max(0, min(limit, int((self.ends_at - timezone.now()).total_seconds())))

    def key_for(self, request):
        """Return the cache key of the page `request` asks for, in this generation."""
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return f"pagecache:{self.token}:{hashlib.sha256(address.encode()).hexdigest()}"


def current_generation():
    """Return the current generation, starting a new one if there is none or it has ended."""
    generation = get_quietly(STATE_KEY)
    if generation is None or generation.has_ended():
        changes = (Article.objects.next_visibility_change(), Lineup.objects.next_change())
        generation = Generation(secrets.token_hex(8), min(filter(None, changes), default=None))
        set_quietly(STATE_KEY, generation, timeout=None)
    return generation


def purge():
    """Throw away every cached page once the current transaction commits, and tell the CDN hooks."""
    transaction.on_commit(_purge_now)


def _purge_now():
    delete_quietly(STATE_KEY)
    pages_purged.send(sender=Generation)
