"""schema.org description of a story page: the NewsArticle and its breadcrumbs."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from articles.models import Correction
from authors.structured_data import SCHEMA_ORG, compact, image_object, person_reference, publisher


def news_article(article, request, publisher_org, inline_photos=()):
    """
    Describe a published article as a NewsArticle. Bylines with authors, tags,
    corrections and the section must be loaded (ArticleQuerySet.for_detail). Updates
    are left out of `correction`: schema.org means by it the fixing of a mistake.
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    shared = [article.share_image, *(photo.share_image for photo in inline_photos if photo.pk != article.photo_id)]
    images = [image_object(image, request) for image in shared if image]
    return compact(
        {
            "@context": SCHEMA_ORG,
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "url": url,
            "headline": article.headline,
            "description": article.standfirst,
            # The hero first: consumers that take one image take the first.
            "image": images or None,
            # Whole seconds: readers of schema.org dates expect no fractions.
            "datePublished": article.published_at.replace(microsecond=0),
            "dateModified": article.last_modified_at.replace(microsecond=0),
            "author": [person_reference(byline.author, request) for byline in article.bylines.all()],
            "publisher": publisher(publisher_org, request, settings.NEWSROOM_SITE_NAME),
            "articleSection": article.section.name,
            "keywords": [tag.name for tag in article.tag_list],
            "dateline": article.dateline,
            "inLanguage": get_language(),
            "correction": [
                {
                    "@type": "CorrectionComment",
                    "text": note.text,
                    "datePublished": note.created_at.replace(microsecond=0),
                }
                for note in article.correction_list
                if note.kind == Correction.Kind.CORRECTION
            ],
        }
    )


def breadcrumbs(article, request):
    """Describe the path Home › Section › story as a BreadcrumbList."""
    trail = [
        (settings.NEWSROOM_SITE_NAME, reverse("frontpage:home")),
        (article.section.name, article.section.get_absolute_url()),
        (article.headline, article.get_absolute_url()),
    ]
    return {
        "@context": SCHEMA_ORG,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": request.build_absolute_uri(path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def article_page(article, request, publisher_org, inline_photos=()):
    """Return everything a story page tells search engines, as one JSON-LD list; `inline_photos` are the body's."""
    return [news_article(article, request, publisher_org, inline_photos), breadcrumbs(article, request)]
