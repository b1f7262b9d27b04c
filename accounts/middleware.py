class SignInPauseStatusMiddleware:
    """Answer a sign-in refused by the throttle with 429 Too Many Requests, not the form's usual 200."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "sign_in_paused", False):
            response.status_code = 429
        return response
