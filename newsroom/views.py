from django.views.generic import ListView
from django.views.generic.detail import SingleObjectMixin


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
