"""How often one address may post a comment: a fixed window counted in the shared cache."""

from django.conf import settings

from newsroom.throttle import client_address, count

__all__ = ["allow_comment", "client_address"]


def allow_comment(address):
    """Count one comment from `address`; return False once it is over the limit for the window."""
    posted = count(f"comments:posted:{address or 'unknown'}", settings.NEWSROOM_COMMENT_RATE_WINDOW)
    return posted <= settings.NEWSROOM_COMMENT_RATE_LIMIT
