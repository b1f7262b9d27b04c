from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import Section
from authors.models import Organisation


def site(request):
    """Give every page the site's name, its publisher and the sections for its navigation."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "navigation_sections": Section.objects.all(),
        # Lazy and cached: pages that do not show the publisher do not look it up.
        "publisher": SimpleLazyObject(Organisation.objects.publisher),
    }
