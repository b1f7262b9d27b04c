"""How often one address may post a comment: a fixed window counted in the shared cache."""

import logging

from django.conf import settings

from newsroom.cache import UNAVAILABLE
from newsroom.throttle import client_address, count

__all__ = ["allow_comment", "client_address"]

logger = logging.getLogger(__name__)


def allow_comment(address):
    """Count one comment from `address`; return False once it is over the limit for the window."""
    try:
        posted = count(f"comments:posted:{address or 'unknown'}", settings.NEWSROOM_COMMENT_RATE_WINDOW)
    except UNAVAILABLE:
        # Every comment waits for a moderator anyway; losing readers' comments would be worse.
        logger.warning("The comment throttle could not reach the cache; letting the comment through.")
        return True
    return posted <= settings.NEWSROOM_COMMENT_RATE_LIMIT
