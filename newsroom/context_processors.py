from django.conf import settings

from articles.models import Section


def site(request):
    """Give every page the site's name and the sections for its navigation."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "navigation_sections": Section.objects.all(),
    }
