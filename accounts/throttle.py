"""
How many failed sign-ins an account, and an address, may have before signing in pauses.

Both are counted, so that guessing many passwords for one account from many addresses,
or many accounts from one address, is slowed alike. The counts live in the shared cache
(newsroom.throttle) and are the same whether the username exists or not.
"""

from django.conf import settings

from newsroom.throttle import count, counted, forget


def window_minutes():
    """Return how long a pause lasts, in whole minutes."""
    return max(1, settings.NEWSROOM_LOGIN_FAILURE_WINDOW // 60)


def keys(username, address):
    """Return the cache keys that count failures for `username` and for `address`."""
    return [
        f"logins:failed:user:{(username or '').strip().casefold()}",
        f"logins:failed:address:{address or 'unknown'}",
    ]


def is_paused(username, address):
    """Tell whether sign-ins for `username` or from `address` are paused after too many failures."""
    return any(counted(key) >= settings.NEWSROOM_LOGIN_FAILURE_LIMIT for key in keys(username, address))


def record_failure(username, address):
    """Count a failed sign-in against the account and the address."""
    for key in keys(username, address):
        count(key, settings.NEWSROOM_LOGIN_FAILURE_WINDOW)


def clear(username=None, address=None):
    """Forget the failures of an account, an address, or both (a success, or an administrator unlocking)."""
    user_key, address_key = keys(username, address)
    if username is not None:
        forget(user_key)
    if address is not None:
        forget(address_key)
