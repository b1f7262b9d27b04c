"""Believe X-Forwarded-For only as far as the proxies the deployment says it has."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address


def forwarded_client(forwarded_for, trusted_proxies):
    """
    Return the reader's address from an X-Forwarded-For value passed through
    `trusted_proxies` proxies, or None if it did not come through all of them.

    Each proxy appends the address that connected to it, so with N proxies the reader
    is the Nth entry from the right; anything further left was sent by the client and
    may be forged.
    """
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if trusted_proxies < 1 or len(hops) < trusted_proxies:
        return None
    address = hops[-trusted_proxies]
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


class TrustedProxyMiddleware:
    """Set REMOTE_ADDR to the reader's address when the site runs behind trusted proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.NEWSROOM_TRUSTED_PROXIES:
            address = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), settings.NEWSROOM_TRUSTED_PROXIES)
            if address:
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
