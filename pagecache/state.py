"""
Which cached pages are still good: the current generation, and the versions of the keys
(stories) each page depends on.

Every cached page records the generation it was built in. A full purge starts a new
one, so every page is built afresh once; the old entries are replaced as they are
built again, or expire. A generation also knows the next moment at which readers' view
changes by itself (a scheduled story appears, an embargo lifts, a story expires, a
scheduled front page takes effect): no entry outlives that moment, and the first request
after it starts a new generation. No job has to run at those times.

Within a generation, a page is kept with the versions, at the time it was built, of the
keys it depends on ("story-12": see pagecache.dependencies). Purging a key gives it a new
version, so the pages that showed that story are built again and all others stay. A
version is the number of the purge that set it, from a counter that only grows; a key
missing from the cache (never purged, or evicted) is given the counter's value when a
page is built, and a key missing when a page is served means the page is stale. So a
lost version can make a page stale but never make a stale page look fresh, and a page
whose story was purged while it was being built (a version above the counter read before
building) is served but not kept.

A page also keeps the counter's value read before it was built. While the counter still
has that value no key has been purged since, so the page is served without reading its
keys' versions: a page served from the cache costs one read of the cache (the
generation, the counter and the page together). After a purge, the first request reads
the page's versions too, and if they are unchanged keeps the page again with the
counter's new value, so the requests after it read nothing more. A purge moves the
counter again once it has written its versions: a page checked before they were written
was checked against the earlier value, and is checked again.
"""

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from articles.models import Article
from frontpage.models import Lineup
from newsroom.cache import UNAVAILABLE, delete_quietly, get_quietly, set_quietly

from .signals import pages_purged

logger = logging.getLogger(__name__)

STATE_KEY = "pagecache:generation"
PURGE_COUNTER_KEY = "pagecache:purges"
# Versions outlive any page that was kept with them (NEWSROOM_PAGE_CACHE_SECONDS); one
# that expires only makes the pages that depend on it stale.
VERSION_SECONDS = 24 * 60 * 60

# The surrogate key of every cached page (a full purge), and of the pages that depend on
# every story (see pagecache.dependencies.EVERY_STORY_VIEWS), which any story's purge purges.
EVERY_PAGE = "newsroom-pages"
EVERY_STORY = "newsroom-stories"


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


@dataclass(frozen=True)
class KeptPage:
    """A page in the cache, with what tells whether it is still good."""

    response: HttpResponse
    # The token of the generation it was built in.
    generation: str
    # The keys it depends on, and their versions when it was built.
    keys: tuple
    versions: tuple
    # The purge counter's value read before it was built, or before its versions were last found unchanged.
    purge_number: int
    # When it leaves the cache (time.time()).
    expires_at: float

    def is_fresh(self, generation, purge_number):
        """
        Tell whether the page may be served in `generation`, the counter now standing at
        `purge_number` (read before this call); `restamped()` then says whether the page
        should be kept again with that number, so that the next hit reads no version.
        """
        if self.generation != generation.token:
            return False
        return purge_number == self.purge_number or versions_unchanged(self.keys, self.versions)

    def restamped(self, purge_number):
        """
        Return the page to keep again, its versions found unchanged at `purge_number`, and
        for how many seconds; None if there is nothing to keep again.
        """
        seconds = int(self.expires_at - time.time())
        if purge_number is None or purge_number == self.purge_number or seconds <= 0:
            return None
        return replace(self, purge_number=purge_number), seconds


# Part of every page's key: change it with KeptPage's fields, so that a release never
# reads the pages an earlier one kept in a shared cache.
PAGE_FORMAT = 2


def page_key(request):
    """Return the cache key of the page `request` asks for."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pagecache:page:{PAGE_FORMAT}:{hashlib.sha256(address.encode()).hexdigest()}"


def look_up(key):
    """
    Return the current generation (starting one if need be), the page kept under `key`
    (or None) and the purge counter's value (None if the cache is away), reading the
    cache once.
    """
    try:
        found = cache.get_many([STATE_KEY, PURGE_COUNTER_KEY, key])
    except UNAVAILABLE:
        logger.warning("The cache could not be read; going on without it.", exc_info=True)
        return _generation_from(None), None, None
    number = found.get(PURGE_COUNTER_KEY)
    if number is None:
        number = last_purge_number()
    return _generation_from(found.get(STATE_KEY)), found.get(key), number


def current_generation():
    """Return the current generation, starting a new one if there is none or it has ended."""
    return _generation_from(get_quietly(STATE_KEY))


def _generation_from(generation):
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
    pages_purged.send(sender=Generation, keys=(EVERY_PAGE,))


def purge_keys(*keys):
    """
    Throw away the cached pages that depend on any of `keys` (such as "story-12"), and
    those that depend on every story, once the current transaction commits; tell the CDN hooks.
    """
    keys = (*keys, EVERY_STORY)
    transaction.on_commit(lambda: _purge_keys_now(keys))


def _purge_keys_now(keys):
    try:
        number = _next_purge_number()
        cache.set_many({version_key(key): number for key in keys}, VERSION_SECONDS)
        # Moved again once the versions are written: a page checked against a counter
        # read after this knows of them, and one checked against an earlier value is
        # checked again (KeptPage.restamped).
        _next_purge_number()
    except UNAVAILABLE:
        logger.warning("The cache could not be written; going on without it.", exc_info=True)
    pages_purged.send(sender=Generation, keys=keys)


def version_key(key):
    return f"pagecache:version:{key}"


def _counter_start():
    # Microseconds of the clock: a counter lost (evicted, or the cache restarted) starts
    # again above every number it gave, as long as there was less than one purge a microsecond.
    return time.time_ns() // 1000


def _next_purge_number():
    try:
        return cache.incr(PURGE_COUNTER_KEY)
    except ValueError:  # Missing: never started, or lost.
        cache.add(PURGE_COUNTER_KEY, _counter_start(), timeout=None)
        return cache.incr(PURGE_COUNTER_KEY)


def last_purge_number():
    """Return the number of the latest purge of some keys, starting the counter if need be; None if the cache is away."""
    try:
        number = cache.get(PURGE_COUNTER_KEY)
        if number is None:
            cache.add(PURGE_COUNTER_KEY, _counter_start(), timeout=None)
            number = cache.get(PURGE_COUNTER_KEY)
    except UNAVAILABLE:
        logger.warning("The cache could not be read; going on without it.", exc_info=True)
        return None
    return number


def versions_at_fill(keys, read_after):
    """
    Return the versions of `keys` for a page built from what the database held after
    purge number `read_after`, giving a version to those that have none; return None if
    one of them was purged while the page was built (or the cache is away): the page
    must not be kept.
    """
    if read_after is None:
        return None
    names = [version_key(key) for key in keys]
    try:
        found = cache.get_many(names)
        missing = [name for name in names if name not in found]
        if missing:
            for name in missing:
                # Add, not set: a purge that got there first keeps its newer number.
                cache.add(name, read_after, VERSION_SECONDS)
            found |= cache.get_many(missing)
    except UNAVAILABLE:
        logger.warning("The cache could not be read; going on without it.", exc_info=True)
        return None
    if len(found) < len(names) or any(number > read_after for number in found.values()):
        return None
    return tuple(found[name] for name in names)


def versions_unchanged(keys, versions):
    """Tell whether `keys` still have the `versions` a page was kept with; a missing one has changed."""
    if not keys:
        return True
    names = [version_key(key) for key in keys]
    try:
        found = cache.get_many(names)
    except UNAVAILABLE:
        logger.warning("The cache could not be read; going on without it.", exc_info=True)
        return False
    return tuple(found.get(name) for name in names) == versions
