from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """
    Django's ETag and 304 handling, keeping the CORS headers on a 304: Django builds the
    304 anew with only the caching headers, and a script revalidating an API answer from
    another site could not read it without them.
    """

    def process_response(self, request, response):
        answer = super().process_response(request, response)
        if answer is not response:
            for name, value in response.items():
                if name.lower().startswith("access-control-"):
                    answer[name] = value
        return answer
