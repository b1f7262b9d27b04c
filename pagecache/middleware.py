import time

from django.conf import settings
from django.utils.cache import get_max_age, has_vary_header, patch_cache_control, set_response_etag

from newsroom.cache import set_quietly

from .dependencies import EVERY_STORY_VIEWS, collecting, page_keys_of
from .state import EVERY_PAGE, EVERY_STORY, KeptPage, look_up, page_key, versions_at_fill

# Cookies that mean the page may differ for this visitor: a login, or a message such as
# "Thanks for your comment" waiting to be shown.
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages"}
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
# A page that shows more stories than this (a sitemap) depends on every story instead:
# its Surrogate-Key header stays short, and serving it checks one version, not thousands.
MAX_KEYS = 100


def is_anonymous_read(request):
    """Tell whether `request` is a reader's plain GET (or HEAD), whose answer is the same for every reader."""
    return request.method in {"GET", "HEAD"} and not PERSONAL_COOKIES.intersection(request.COOKIES)


def is_shareable(response):
    """Tell whether a response may be kept and served to every reader."""
    directives = {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and not directives & UNCACHEABLE_DIRECTIVES
    )


class PageCacheMiddleware:
    """
    Serve anonymous readers whole pages from the cache, and tell browsers and CDNs how
    long they may keep them. Staff, previews and anything personal are never cached:
    such responses are marked private instead. See pagecache.state for when pages go,
    and pagecache.dependencies for how a page's stories are found.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.NEWSROOM_PAGE_CACHE_SECONDS
        if not limit:
            return self.get_response(request)
        if not is_anonymous_read(request):
            return self.private(self.get_response(request))
        key = page_key(request)
        # The counter is read before the page reads the database, so that a purge while it is built is seen.
        generation, kept, read_after = look_up(key)
        if kept is not None and kept.is_fresh(generation, read_after):
            if restamped := kept.restamped(read_after):
                set_quietly(key, *restamped)
            return kept.response
        with collecting() as found:
            response = self.get_response(request)
        if not is_shareable(response):
            return self.private(response)
        keys = page_keys(request, found)
        seconds = generation.seconds_left(limit)
        # A view that asks for less (a live blog's polling answer: a few seconds) gets less.
        asked = get_max_age(response)
        browser_seconds = min(seconds, settings.NEWSROOM_BROWSER_CACHE_SECONDS, limit if asked is None else asked)
        patch_cache_control(
            response,
            public=True,
            max_age=browser_seconds,
            s_maxage=seconds,
            stale_while_revalidate=settings.NEWSROOM_STALE_SECONDS,
        )
        # Lets a CDN that understands surrogate keys purge our pages, all of them or those
        # showing a story, as pagecache.signals.pages_purged says.
        response["Surrogate-Key"] = " ".join((EVERY_PAGE, *keys))
        # Hashed once here rather than by ConditionalGetMiddleware on every hit.
        set_response_etag(response)
        if (versions := versions_at_fill(keys, read_after)) is not None:
            set_quietly(
                key, KeptPage(response, generation.token, keys, versions, read_after, time.time() + seconds), seconds
            )
        return response

    @staticmethod
    def private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response


def page_keys(request, found):
    """Return the sorted keys the page built for `request` depends on, given those `found` while it was built."""
    match = request.resolver_match
    if match is not None:
        if match.view_name in EVERY_STORY_VIEWS:
            return (EVERY_STORY,)
        found = page_keys_of(match.func, found)
    if len(found) > MAX_KEYS:
        return (EVERY_STORY,)
    return tuple(sorted(found))
