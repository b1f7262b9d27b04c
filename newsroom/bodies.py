"""A request whose body ends before its Content-Length is refused, never read as a shorter form."""

from io import IOBase

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


class WholeBodyStream(IOBase):
    """
    Read a request body through `stream`, raising BadRequest if it ends before `length`
    bytes: a client that hung up half-way must not leave a form whose last fields are
    missing (an unticked box, an empty inline) to be saved as if it had been sent so.
    """

    def __init__(self, stream, length):
        self.stream = stream
        self.length = length
        self.received = 0

    def _count(self, data, *, to_the_end):
        self.received += len(data)
        if self.received < self.length and (to_the_end or not data):
            raise BadRequest(
                _("The request ended after %(received)d of its %(length)d bytes; nothing of it was used.")
                % {"received": self.received, "length": self.length}
            )
        return data

    def readable(self):
        return True

    def read(self, size=-1, /):
        return self._count(self.stream.read(size), to_the_end=size is None or size < 0)

    def readline(self, size=-1, /):
        return self._count(self.stream.readline(size), to_the_end=False)


class WholeBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as no body at all.
        # Django's WSGIRequest reads its body from _stream, limited to the length; nothing
        # in its public interface says whether all of it came.
        if length > 0 and hasattr(request, "_stream"):
            request._stream = WholeBodyStream(request._stream, length)
        return self.get_response(request)
