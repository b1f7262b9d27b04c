from django.urls import reverse
from django.views.generic import TemplateView

from newsroom.views import sharing_context

from .layout import home_page


class HomeView(TemplateView):
    """The home page: the editors' lineup at the top, filled with the latest, then each section's newest."""

    template_name = "frontpage/home.html"
    lineup = None

    def get_context_data(self, **kwargs):
        page = home_page(self.lineup)
        return super().get_context_data(
            lead=page.lead,
            top=page.slots[1:],
            latest=page.latest,
            sections=page.sections,
            **sharing_context(self.request, reverse("frontpage:home")),
            **kwargs,
        )
