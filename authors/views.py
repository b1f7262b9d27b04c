from django.db.models import Prefetch

from newsroom.views import ObjectArticleListView

from . import structured_data
from .models import Affiliation, Author, Organisation


class AuthorView(ObjectArticleListView):
    model = Author
    template_name = "authors/author_detail.html"

    def get_object_queryset(self):
        return Author.objects.prefetch_related(
            Prefetch("affiliations", queryset=Affiliation.objects.select_related("organisation")), "links"
        )

    # Paged by the bylines' copy of the publication date and their article, which their index holds.
    keyset_field = "listed_at"
    keyset_id_field = "listed_id"

    def get_queryset(self):
        articles = self.object.articles.model.objects
        return articles.published().listed_under("bylines", author=self.object).for_listing()

    def get_share_image(self):
        return self.object.share_image

    def get_structured_data(self):
        return structured_data.json_ld(structured_data.person(self.object, self.request))


class OrganisationView(ObjectArticleListView):
    model = Organisation
    template_name = "authors/organisation_detail.html"

    def get_object_queryset(self):
        return Organisation.objects.prefetch_related(
            Prefetch("affiliations", queryset=Affiliation.objects.select_related("author").order_by("author__name"))
        )

    # Paged by the citations' copy of the publication date and their article, which their index holds.
    keyset_field = "listed_at"
    keyset_id_field = "listed_id"

    def get_queryset(self):
        articles = self.object.citing_articles.model.objects
        return articles.published().listed_under("citations", organisation=self.object).for_listing()

    def get_share_image(self):
        return self.object.logo_image

    def get_structured_data(self):
        return structured_data.json_ld(structured_data.organisation_page(self.object, self.request))
