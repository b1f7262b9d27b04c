"""
Count events per key in fixed windows, in the shared cache: the comment and login
throttles. With several processes the cache must be shared (REDIS_URL) for the
counts to be too.
"""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address


def client_address(request):
    """
    Return the address the request came from, or None if it is not an IP address.

    REMOTE_ADDR is the only address a client cannot forge; behind proxies,
    newsroom.proxies sets it from X-Forwarded-For as far as the proxies are trusted.
    """
    address = request.META.get("REMOTE_ADDR", "")
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def count(key, window):
    """Count one event under `key`; return how many its current window of `window` seconds holds."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this event opens a new one.
        cache.set(key, 1, timeout=window)
        return 1


def counted(key):
    """Return how many events the current window of `key` holds."""
    return cache.get(key, 0)


def forget(key):
    """Start `key`'s count afresh."""
    cache.delete(key)
