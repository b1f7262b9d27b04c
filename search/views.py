from django.views.generic import ListView

from articles.models import Article

from .forms import SearchForm


class SearchView(ListView):
    """Search published articles; a form with errors shows them and finds nothing."""

    template_name = "search/search.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.form.is_valid():
            return Article.objects.none()
        return self.form.search(Article.objects.published()).for_listing()

    def get_context_data(self, **kwargs):
        query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        return super().get_context_data(form=self.form, query=query, **kwargs)
