import json
import re

import pytest

from articles.tests.factories import ArticleFactory, SectionFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory, OrganisationFactory, UserFactory


@pytest.fixture
def make_article(db):
    """Create an article; published an hour ago unless told otherwise."""
    return ArticleFactory


@pytest.fixture
def make_author(db):
    return AuthorFactory


@pytest.fixture
def make_organisation(db):
    return OrganisationFactory


@pytest.fixture
def make_affiliation(db):
    return AffiliationFactory


@pytest.fixture
def make_section(db):
    return SectionFactory


@pytest.fixture
def make_user(db):
    return UserFactory


@pytest.fixture
def superuser_client(client, db):
    user = UserFactory(username="admin", is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def read_json_ld():
    """Return a function that parses a page's <script type="application/ld+json"> into a list of objects."""

    def read(html):
        objects = []
        for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL):
            data = json.loads(script)
            objects.extend(data if isinstance(data, list) else [data])
        return objects

    return read
