from django.http import HttpResponsePermanentRedirect

from .models import Redirect


class RedirectFallbackMiddleware:
    """Answer a 404 with a 301 when the address has moved (the way django.contrib.redirects does, without sites)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.get_full_path()
        target = Redirect.objects.target_of(path)
        if target is None and "?" in path:
            target = Redirect.objects.target_of(request.path)
        return HttpResponsePermanentRedirect(target) if target is not None else response
