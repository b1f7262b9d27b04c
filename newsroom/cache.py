"""
The shared cache when it may have gone away (Redis restarting, a network fault): reader
pages then go uncached and uncounted rather than fail. The sign-in throttle does not use
these, and fails closed instead.
"""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisError, OSError)
MISSING = object()


def get_quietly(key, default=None):
    """Return the cached value of `key`, or `default` if it is missing or the cache cannot be reached."""
    try:
        return cache.get(key, default)
    except UNAVAILABLE:
        logger.warning("The cache could not be read; going on without it.", exc_info=True)
        return default


def set_quietly(key, value, timeout):
    """Keep `value` under `key` if the cache can be reached; return whether it was kept."""
    try:
        cache.set(key, value, timeout)
    except UNAVAILABLE:
        logger.warning("The cache could not be written; going on without it.", exc_info=True)
        return False
    return True


def get_or_set_quietly(key, compute, timeout):
    """Return the cached value of `key`, computing and keeping it (even None) when missing; compute it when the cache is away."""
    value = get_quietly(key, MISSING)
    if value is MISSING:
        value = compute()
        set_quietly(key, value, timeout)
    return value


def delete_quietly(key):
    """Remove `key` if the cache can be reached."""
    try:
        cache.delete(key)
    except UNAVAILABLE:
        logger.warning("The cache could not be written; going on without it.", exc_info=True)
