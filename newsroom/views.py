import logging
import secrets

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import InvalidPage
from django.db import connection
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from .pagination import KeysetPaginator, query_string

logger = logging.getLogger(__name__)


def sharing_context(request, path, image=None, structured_data=None):
    """
    Return what link previews and search engines read from a page: its canonical
    URL, its image and its JSON-LD, all with absolute URLs.
    """
    return {
        "canonical_url": request.build_absolute_uri(path),
        "share_image": image.absolute(request) if image else None,
        "structured_data": structured_data,
    }


class UncountedPaginationMixin:
    """
    Paginate a list view without counting it (newsroom.pagination): newest first by
    (`keyset_field`, `keyset_id_field`) with links to older and newer pages, unless
    `get_paginator()` says otherwise. A page that is not there, such as a made-up
    cursor or an old `?page=2`, is a 404.
    """

    paginate_by = 20
    keyset_field = "published_at"
    keyset_id_field = "pk"

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return KeysetPaginator(queryset, per_page, self.keyset_field, self.keyset_id_field)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        try:
            page = paginator.page(self.request.GET)
        except InvalidPage as error:
            raise Http404(str(error)) from None
        return paginator, page, page.object_list, page.has_other_pages()


class SharedListPageMixin:
    """
    Give each page of a list what link previews and search engines read: its own
    canonical URL (the list's address and the page's cursor), an image and JSON-LD.
    """

    def get_canonical_path(self):
        """Return the address of the list's first page."""
        return self.request.path

    def get_share_image(self):
        return None

    def get_structured_data(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Later pages are pages of their own to a search engine, not copies of the first.
        path = self.get_canonical_path() + query_string(context["page_obj"].query)
        return context | sharing_context(self.request, path, self.get_share_image(), self.get_structured_data())


class ObjectArticleListView(SharedListPageMixin, UncountedPaginationMixin, SingleObjectMixin, ListView):
    """
    Show one object (an author, a section, a tag) above a paginated list of its
    published articles, pairing SingleObjectMixin with ListView as Django's
    documentation does. Subclasses set `model` and return the articles from
    `get_queryset()`, where `self.object` is already loaded.
    """

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=self.get_object_queryset())
        return super().get(request, *args, **kwargs)

    def get_object_queryset(self):
        return self.model._default_manager.all()

    def get_canonical_path(self):
        return self.object.get_absolute_url()


class RobotsView(TemplateView):
    """Tell crawlers what to skip and where the sitemaps are."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemaps = [reverse("sitemap_index"), reverse("sitemap_news")]
        return super().get_context_data(
            sitemap_urls=[self.request.build_absolute_uri(path) for path in sitemaps],
            # Previews need a login and say noindex; the login page lives under the admin.
            disallowed_paths=[reverse("admin:index")],
            **kwargs,
        )


def database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers():
    token = secrets.token_hex(8)
    cache.set("healthz:probe", token, timeout=10)
    return cache.get("healthz:probe") == token


def storage_answers():
    default_storage.exists("healthz-probe")
    return True


class HealthView(View):
    """
    Answer 200 when the database, the cache and the media storage all answer, else 503
    naming the parts that do not; for load balancers and uptime checks. Never cached,
    and it names no host, address or error.
    """

    checks = {"database": database_answers, "cache": cache_answers, "storage": storage_answers}

    def get(self, request):
        failing = [name for name, answers in self.checks.items() if not self.passes(name, answers)]
        response = JsonResponse(
            {"status": "failing" if failing else "ok", "failing": failing}, status=503 if failing else 200
        )
        add_never_cache_headers(response)
        return response

    @staticmethod
    def passes(name, answers):
        try:
            return answers()
        except Exception:
            logger.exception("Health check: the %s does not answer.", name)
            return False
