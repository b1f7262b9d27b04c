"""What author and organisation pages tell search engines and link previews."""

import re

import pytest

from authors.models import AuthorLink, Organisation
from photos.tests.images import image_upload

pytestmark = pytest.mark.django_db


def absolute(path):
    return f"http://testserver{path}"


def test_author_page_carries_a_person_with_affiliations(
    client, make_author, make_organisation, make_affiliation, read_json_ld
):
    author = make_author(
        name="Mridha Shihab Mahmud",
        job_title="Photojournalist",
        bio="Writes and photographs.",
        website="https://mridha.example.org/",
        photo=image_upload("mridha.jpg", image_format="JPEG"),
    )
    AuthorLink.objects.create(author=author, label="Mastodon", url="https://social.example.org/@mridha")
    news_hour = make_organisation(name="News Hour", kind=Organisation.Kind.PUBLISHER)
    society = make_organisation(name="Photography Society", kind=Organisation.Kind.SOCIETY)
    old_paper = make_organisation(name="Old Paper", kind=Organisation.Kind.PUBLISHER)
    make_affiliation(author=author, organisation=news_hour, role="Staff reporter")
    make_affiliation(author=author, organisation=society, role="Member")
    make_affiliation(author=author, organisation=old_paper, role="Intern", is_current=False)

    html = client.get(author.get_absolute_url()).content.decode()

    (person,) = read_json_ld(html)
    assert person["@context"] == "https://schema.org"
    assert person["@type"] == "Person"
    assert person["name"] == "Mridha Shihab Mahmud"
    assert person["url"] == absolute(author.get_absolute_url())
    assert person["jobTitle"] == "Photojournalist"
    assert person["image"]["url"].startswith("http://testserver/media/authors/")
    assert person["sameAs"] == ["https://mridha.example.org/", "https://social.example.org/@mridha"]
    assert [(org["@type"], org["name"], org["url"]) for org in person["worksFor"]] == [
        ("NewsMediaOrganization", "News Hour", absolute(news_hour.get_absolute_url())),
        ("Organization", "Photography Society", absolute(society.get_absolute_url())),
    ]
    assert [org["name"] for org in person["affiliation"]] == ["News Hour", "Photography Society", "Old Paper"]

    assert f'<link rel="canonical" href="{absolute(author.get_absolute_url())}">' in html
    assert '<meta property="og:type" content="profile">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/authors/[^"]+">', html)


def test_organisation_page_carries_an_organization(client, make_organisation, read_json_ld):
    society = make_organisation(
        name="Safety Assistance For Emergencies",
        short_name="SAFE",
        kind=Organisation.Kind.NGO,
        description="A humanitarian trust.",
        website="https://safe.example.org/",
        city="Dhaka",
        country="Bangladesh",
        ethics_policy_url="https://safe.example.org/ethics",
    )

    html = client.get(society.get_absolute_url()).content.decode()

    (data,) = read_json_ld(html)
    assert data == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Safety Assistance For Emergencies",
        "alternateName": "SAFE",
        "url": absolute(society.get_absolute_url()),
        "sameAs": "https://safe.example.org/",
        "description": "A humanitarian trust.",
        "address": {"@type": "PostalAddress", "addressLocality": "Dhaka", "addressCountry": "Bangladesh"},
    }
    assert f'<link rel="canonical" href="{absolute(society.get_absolute_url())}">' in html


def test_news_agency_is_a_news_media_organisation(client, make_organisation, read_json_ld):
    agency = make_organisation(name="TASS", kind=Organisation.Kind.NEWS_AGENCY)
    (data,) = read_json_ld(client.get(agency.get_absolute_url()).content.decode())
    assert data["@type"] == "NewsMediaOrganization"


def test_paginated_pages_are_their_own_canonical(client, make_author, make_article):
    author = make_author()
    for _ in range(21):
        make_article(authors=[author])
    older = client.get(author.get_absolute_url()).context["page_obj"].next_query.urlencode()
    html = client.get(f"{author.get_absolute_url()}?{older}").content.decode()
    assert f'<link rel="canonical" href="{absolute(author.get_absolute_url())}?{older}">' in html
