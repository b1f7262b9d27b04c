"""schema.org descriptions of people and organisations, and the script tag that carries them."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

SCHEMA_ORG = "https://schema.org"

# The same escapes as django.utils.html.json_script, whose script type is fixed to
# application/json: they keep "</script>" and "<!--" in a headline from ending the tag.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# schema.org's NewsMediaOrganization property for each policy field of Organisation.
POLICY_PROPERTIES = {
    "corrections_policy_url": "correctionsPolicy",
    "ethics_policy_url": "ethicsPolicy",
    "masthead_url": "masthead",
    "ownership_funding_url": "ownershipFundingInfo",
}


def json_ld(data):
    """Return `data` as a <script type="application/ld+json"> tag, safe to put in HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def compact(data):
    """Drop empty values, which schema.org readers treat as errors rather than as absent."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def image_object(image, request):
    """Describe a ShareImage as an ImageObject with an absolute URL, or return None."""
    if image is None:
        return None
    return compact(
        {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(image.url),
            "width": image.width,
            "height": image.height,
            "encodingFormat": image.content_type,
        }
    )


def organisation_reference(org, request):
    """Name an organisation briefly, as a person's employer."""
    return compact(
        {
            "@type": "NewsMediaOrganization" if org.is_news_media else "Organization",
            "name": org.name,
            "url": request.build_absolute_uri(org.get_absolute_url()),
            "sameAs": org.website,
        }
    )


def organisation(org, request):
    """Describe an organisation fully, with its policies when it is a news organisation."""
    data = {
        **organisation_reference(org, request),
        "alternateName": org.short_name if org.short_name != org.name else "",
        "description": org.description,
        "logo": image_object(org.logo_image, request),
        "address": compact({"@type": "PostalAddress", "addressLocality": org.city, "addressCountry": org.country})
        if org.location
        else None,
    }
    if org.is_news_media:
        data |= {POLICY_PROPERTIES[field]: url for field, _label, url in org.policies}
    return compact(data)


def organisation_page(org, request):
    """Describe an organisation as the subject of its own page."""
    return {"@context": SCHEMA_ORG, **organisation(org, request)}


def publisher(org, request, site_name):
    """Describe who publishes the site: the chosen organisation, or else the site by its name."""
    if org is None:
        return {"@type": "NewsMediaOrganization", "name": site_name, "url": request.build_absolute_uri("/")}
    return organisation(org, request)


def person_reference(author, request):
    """Name a person briefly, as the author of a story."""
    return {"@type": "Person", "name": author.name, "url": request.build_absolute_uri(author.get_absolute_url())}


def person(author, request):
    """
    Describe an author: worksFor names the organisations of current affiliations,
    affiliation every organisation they have been with. Affiliations must be
    prefetched with their organisations.
    """
    organisations, current = {}, {}
    for affiliation in author.affiliations.all():
        organisations.setdefault(affiliation.organisation_id, affiliation.organisation)
        if affiliation.is_current:
            current.setdefault(affiliation.organisation_id, affiliation.organisation)
    return compact(
        {
            "@context": SCHEMA_ORG,
            **person_reference(author, request),
            "jobTitle": author.job_title,
            "description": author.bio,
            "image": image_object(author.share_image, request),
            "sameAs": [url for url in [author.website, *(link.url for link in author.links.all())] if url],
            "worksFor": [organisation_reference(org, request) for org in current.values()],
            "affiliation": [organisation_reference(org, request) for org in organisations.values()],
        }
    )
