from django.utils.translation import gettext as _
from django.views.generic import ListView

from articles.models import Article
from newsroom.pagination import CappedPaginator
from newsroom.views import UncountedPaginationMixin

from .forms import SearchForm

# Results are ranked, so they take numbered pages; this many at most, as search engines offer.
MAX_PAGES = 50


class SearchView(UncountedPaginationMixin, ListView):
    """Search published articles; a form with errors shows them and finds nothing."""

    template_name = "search/search.html"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        return super().get(request, *args, **kwargs)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return CappedPaginator(queryset, per_page, MAX_PAGES)

    def get_queryset(self):
        if not self.form.is_valid():
            return Article.objects.none()
        return self.form.search(Article.objects.published()).for_listing()

    def get_context_data(self, **kwargs):
        query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        newest_first = not self.form.is_valid() or self.form.is_newest_first()
        return super().get_context_data(
            form=self.form,
            query=query,
            previous_label=_("Newer results") if newest_first else _("Better matches"),
            next_label=_("Older results") if newest_first else _("More results"),
            **kwargs,
        )
