import json
import re

import pytest
from django.core.cache import cache

from articles.tests.factories import ArticleFactory, SectionFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory, OrganisationFactory, UserFactory
from comments.tests.factories import CommentFactory
from photos.tests.factories import PhotoFactory


@pytest.fixture(autouse=True)
def migrated_data(django_db_serialized_rollback):
    """
    Give every test that needs real transactions (browser tests, concurrency tests)
    the database as migrations left it, roles included. Django empties the tables
    after such a test; with serialized rollback it restores the migrated rows first.
    All of them must do this: one that flushes without it makes Django recreate
    content types under new ids, which the next restore would collide with. Other
    tests run in a transaction that is rolled back, and this changes nothing for them.
    """


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache, so counts such as the comment rate limit do not leak."""
    cache.clear()
    yield
    cache.clear()


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
def make_comment(db):
    return CommentFactory


@pytest.fixture
def make_photo(db):
    """Create a library photo with its renditions; pass size=(w, h) for another image size."""
    return PhotoFactory


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
