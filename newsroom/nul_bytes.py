"""
No text column holds a NUL byte (PostgreSQL refuses one in any query), so none may reach
a query from a request's address or cookies: an address holding one is a 400, and a
cookie holding one is ignored. What is posted is left to the forms, whose text fields
answer a NUL with their own error (Django's ProhibitNullCharactersValidator).
"""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


def holds_nul(params):
    """Return whether any name or value in `params` (a QueryDict) holds a NUL byte."""
    return any(NUL in name or any(NUL in value for value in values) for name, values in params.lists())


class NulByteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or holds_nul(request.GET):
            raise BadRequest(_("The address holds a NUL byte, which no page or search can use."))
        # Such a cookie was never set by this site: it is read as if it had not been sent,
        # so a reader's own request still works.
        for name in [name for name, value in request.COOKIES.items() if NUL in name or NUL in value]:
            del request.COOKIES[name]
        return self.get_response(request)
