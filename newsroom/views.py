import logging
import secrets

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

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


class ObjectArticleListView(SingleObjectMixin, ListView):
    """
    Show one object (an author, a section, a tag) above a paginated list of its
    published articles, pairing SingleObjectMixin with ListView as Django's
    documentation does. Subclasses set `model` and return the articles from
    `get_queryset()`, where `self.object` is already loaded.
    """

    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=self.get_object_queryset())
        return super().get(request, *args, **kwargs)

    def get_object_queryset(self):
        return self.model._default_manager.all()

    def get_object_path(self):
        return self.object.get_absolute_url()

    def get_share_image(self):
        return None

    def get_structured_data(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        path = self.get_object_path()
        # Later pages are pages of their own to a search engine, not copies of the first.
        if context["page_obj"] is not None and context["page_obj"].number > 1:
            path = f"{path}?page={context['page_obj'].number}"
        return context | sharing_context(self.request, path, self.get_share_image(), self.get_structured_data())


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
