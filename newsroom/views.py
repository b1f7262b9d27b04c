from django.core.paginator import InvalidPage
from django.http import Http404
from django.urls import reverse
from django.views.generic import ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from .pagination import KeysetPaginator, query_string


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


class ObjectArticleListView(UncountedPaginationMixin, SingleObjectMixin, ListView):
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

    def get_object_path(self):
        return self.object.get_absolute_url()

    def get_share_image(self):
        return None

    def get_structured_data(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Later pages are pages of their own to a search engine, not copies of the first.
        path = self.get_object_path() + query_string(context["page_obj"].query)
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
