"""The read API: published stories as ninjs, its OpenAPI description, and what every answer shares."""

from datetime import datetime, time

from django.core.paginator import InvalidPage
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from taggit.models import Tag

from articles.models import Section
from authors.models import Author
from newsroom.pagination import KeysetPaginator, Page, decode_cursor, query_string

from . import throttle
from .models import ApiKey
from .ninjs import absolute_url, ninjs_queryset, story_as_ninjs
from .openapi import openapi_document

API_KEY_HEADER = "X-Api-Key"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiError(Exception):
    """A request the API refuses, with the status and a message for the client."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status, message, headers=None):
    response = JsonResponse({"error": {"status": status, "message": str(message)}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def json_response(data, last_modified=None):
    # The ETag is added by ConditionalGetMiddleware, which answers a matching conditional GET with 304.
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


@method_decorator(csrf_exempt, name="dispatch")
class ApiView(View):
    """
    What every API answer shares: read-only methods, open CORS for reading, a client's
    key checked and its rate counted before any work, and errors as JSON. Nothing here
    touches the session, so no answer sets a cookie and the page cache may keep them.
    """

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        try:
            if request.method in {"GET", "HEAD"}:
                self.api_key = self.identify(request)
                if seconds := throttle.retry_after(request, self.api_key):
                    raise ApiError(
                        429,
                        f"Too many requests; try again in {seconds} seconds"
                        + ("." if self.api_key else f", or ask for an API key (header {API_KEY_HEADER})."),
                        headers={"Retry-After": str(seconds)},
                    )
            response = super().dispatch(request, *args, **kwargs)
        except ApiError as error:
            response = error_response(error.status, error.message, error.headers)
        if request.method in READ_METHODS:
            self.allow_cross_origin_reads(request, response)
        return response

    @staticmethod
    def identify(request):
        """Return the API key the request carries, None without one; refuse a key that is not (or no longer) valid."""
        key = request.headers.get(API_KEY_HEADER, "").strip()
        if not key:
            return None
        api_key = ApiKey.objects.matching(key)
        if api_key is None:
            raise ApiError(401, f"The {API_KEY_HEADER} header is not a valid API key, or the key was revoked.")
        return api_key

    @staticmethod
    def allow_cross_origin_reads(request, response):
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link, Retry-After"
        if request.method == "OPTIONS":
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = API_KEY_HEADER
            response["Access-Control-Max-Age"] = "86400"

    def http_method_not_allowed(self, request, *args, **kwargs):
        return error_response(
            405,
            "The API is read-only: use GET.",
            headers={"Allow": ", ".join(m.upper() for m in self._allowed_methods())},
        )


def parse_since(value):
    """Return the time `since` names: an ISO 8601 time or date; without an offset, in the site's time zone."""
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise ValueError
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class NinjsListView(ApiView):
    """The stories readers may see, newest first, a page at a time, filtered by section, author, tag or time."""

    def get(self, request):
        params = request.GET
        stories = ninjs_queryset()
        # Pages walk (published_at, id); by author or tag, the byline's or tag's copy of
        # them, through that link's index, as the author and topic pages do. Both pairs
        # hold the same values, so a cursor means the same story either way.
        keyset = ("published_at", "pk")
        if slug := params.get("section"):
            stories = stories.filter(section=self.lookup(Section.objects.all(), slug, "section"))
        if slug := params.get("author"):
            stories = stories.listed_under("bylines", author=self.lookup(Author.objects.all(), slug, "author"))
            keyset = ("listed_at", "listed_id")
        if slug := params.get("tag"):
            tag = self.lookup(Tag.objects.all(), slug, "tag")
            if keyset[0] == "listed_at":
                stories = stories.filter(tagged_items__tag=tag)
            else:
                stories = stories.listed_under("tagged_items", tag=tag)
                keyset = ("listed_at", "listed_id")
        if value := params.get("since"):
            try:
                since = parse_since(value)
            except ValueError:
                raise ApiError(
                    400, f"since={value!r} is not a time: give an ISO 8601 time such as 2026-11-30T09:00:00Z."
                ) from None
            stories = stories.filter(Q(published_at__gte=since) | Q(updated_at__gte=since))
        page = self.page(stories, params, keyset)
        items = [story_as_ninjs(article, request) for article in page]
        next_url = absolute_url(request.path + query_string(page.next_query), request) if page.has_next() else None
        response = json_response(
            {"items": items, "next": next_url},
            last_modified=max((article.last_modified_at for article in page), default=None),
        )
        if next_url:
            response["Link"] = f'<{next_url}>; rel="next"'
        return response

    @staticmethod
    def lookup(queryset, slug, name):
        try:
            return queryset.get(slug=slug)
        except queryset.model.DoesNotExist:
            raise ApiError(400, f"There is no {name} with the slug {slug!r}.") from None

    @staticmethod
    def page(stories, params, keyset):
        """Return the page `params` ask for: the first, or the one after a `before` cursor (an empty one past the end)."""
        limit = params.get("limit", str(DEFAULT_LIMIT))
        if not limit.isdecimal() or not 1 <= int(limit) <= MAX_LIMIT:
            raise ApiError(400, f"limit={limit!r} is not a number of stories from 1 to {MAX_LIMIT}.")
        for name in ("before", "after"):
            if name in params:
                try:
                    decode_cursor(params[name])
                except InvalidPage:
                    raise ApiError(
                        400, f"{name}={params[name]!r} is not a cursor: follow the next link of a list."
                    ) from None
        paginator = KeysetPaginator(stories, int(limit), *keyset)
        try:
            return paginator.page(params)
        except InvalidPage as error:
            if "before" in params or "after" in params:
                # A cursor past the oldest story: a page with nothing on it.
                return Page([], params, query={})
            raise ApiError(400, str(error)) from None


class NinjsDetailView(ApiView):
    """One story readers may see, by its id."""

    def get(self, request, pk):
        article = ninjs_queryset().filter(pk=pk).first() if pk.isdecimal() else None
        if article is None:
            raise ApiError(404, f"No published story has the id {pk!r}.")
        return json_response(story_as_ninjs(article, request), last_modified=article.last_modified_at)


class OpenApiView(ApiView):
    """The OpenAPI 3.1 description of this API."""

    def get(self, request):
        return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})
