"""
How many requests a client may make to the API: per address without a key, per key with
one (NEWSROOM_API_RATE_LIMIT and NEWSROOM_API_KEY_RATE_LIMIT per NEWSROOM_API_RATE_WINDOW
seconds), counted in fixed windows in the shared cache (newsroom.throttle).
"""

import logging
import math
import time

from django.conf import settings

from newsroom.cache import UNAVAILABLE
from newsroom.throttle import client_address, count

logger = logging.getLogger(__name__)


def limit_for(api_key):
    """Return how many requests a client with `api_key` (or None) may make per window."""
    return api_key.limit if api_key else settings.NEWSROOM_API_RATE_LIMIT


def retry_after(request, api_key):
    """
    Count this request; return None if it is within the client's limit, else the
    seconds until the window ends. Windows are numbered from the epoch, so every process
    agrees when one ends. If the cache cannot be reached the request goes through
    uncounted: the API is public reading, and it should not fail because Redis did.
    """
    window = settings.NEWSROOM_API_RATE_WINDOW
    now = time.time()
    number = int(now // window)
    client = f"key:{api_key.pk}" if api_key else f"address:{client_address(request) or 'unknown'}"
    try:
        made = count(f"api:rate:{client}:{number}", window)
    except UNAVAILABLE:
        logger.warning("The API rate limit could not reach the cache; letting the request through.")
        return None
    if made <= limit_for(api_key):
        return None
    return max(1, math.ceil((number + 1) * window - now))
