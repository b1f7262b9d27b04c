"""How often one address may post a comment: a fixed window counted in the cache."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address


def client_address(request):
    """
    Return the address the request came from, or None if it is not an IP address.

    REMOTE_ADDR is the only address a client cannot forge; behind a proxy the
    deployment must set it to the reader's address (see the README).
    """
    address = request.META.get("REMOTE_ADDR", "")
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def allow_comment(address):
    """Count one comment from `address`; return False once it is over the limit for the window."""
    key = f"comments:posted:{address or 'unknown'}"
    window = settings.NEWSROOM_COMMENT_RATE_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this comment opens a new one.
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= settings.NEWSROOM_COMMENT_RATE_LIMIT
