from django.db import OperationalError
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.generic import ListView

from articles.models import Article
from newsroom.pagination import CappedPaginator
from newsroom.views import UncountedPaginationMixin

from .backends import search_limits, took_too_long
from .forms import SearchForm

# Results are ranked, so they take numbered pages; this many at most, as search engines offer.
MAX_PAGES = 50


class SearchView(UncountedPaginationMixin, ListView):
    """Search published articles; a form with errors shows them and finds nothing."""

    template_name = "search/search.html"
    took_too_long = False

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        return super().get(request, *args, **kwargs)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return CappedPaginator(queryset, per_page, MAX_PAGES)

    def paginate_queryset(self, queryset, page_size):
        # The page's rows are read here (CappedPaginator lists them), within the search's limits.
        try:
            with search_limits(Article.objects.db):
                return super().paginate_queryset(queryset, page_size)
        except OperationalError as error:
            if not took_too_long(error):
                raise
            self.took_too_long = True
            return None, None, [], False

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.took_too_long:
            # A search stopped this time may finish the next: keep the message out of every cache.
            patch_cache_control(response, no_store=True)
        return response

    def get_queryset(self):
        if not self.form.is_valid():
            return Article.objects.none()
        return self.form.search(Article.objects.published().for_listing())

    def get_context_data(self, **kwargs):
        query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        newest_first = not self.form.is_valid() or self.form.is_newest_first()
        return super().get_context_data(
            form=self.form,
            query=query,
            previous_label=_("Newer results") if newest_first else _("Better matches"),
            next_label=_("Older results") if newest_first else _("More results"),
            **kwargs,
        ) | {"took_too_long": self.took_too_long}
