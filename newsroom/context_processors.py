from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import Section
from authors.models import Organisation


def site(request):
    """Give every page the site's name, its publisher and the sections for its navigation."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "navigation_sections": SimpleLazyObject(Section.objects.navigation),
        # Looked up only by pages that show it; a view that needs it too passes its own
        # `publisher`, which takes precedence over this one, so a page asks once.
        "publisher": SimpleLazyObject(Organisation.objects.publisher),
    }
