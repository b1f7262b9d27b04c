import json
import os
import re
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache

from articles.tests.factories import ArticleFactory, SectionFactory
from authors.tests.factories import AffiliationFactory, AuthorFactory, OrganisationFactory, UserFactory
from comments.tests.factories import CommentFactory
from photos.tests.factories import PhotoFactory
from tests.skips import summary_lines


def pytest_terminal_summary(terminalreporter, config):
    # Here, not in tests/browser/ or tests/s3/: under pytest-xdist only the workers collect
    # and load those folders' conftest files, and the summary is written by the controller.
    for line in summary_lines(terminalreporter):
        terminalreporter.write_line(line)


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


def factory_fixture(name, factory, doc=None):
    """Return a fixture `name` that hands tests `factory`, with the database enabled."""

    def fixture(db):
        return factory

    fixture.__doc__ = doc
    return pytest.fixture(fixture, name=name)


make_article = factory_fixture(
    "make_article", ArticleFactory, "Create an article; published an hour ago unless told otherwise."
)
make_author = factory_fixture("make_author", AuthorFactory)
make_organisation = factory_fixture("make_organisation", OrganisationFactory)
make_affiliation = factory_fixture("make_affiliation", AffiliationFactory)
make_section = factory_fixture("make_section", SectionFactory)
make_comment = factory_fixture("make_comment", CommentFactory)
make_photo = factory_fixture(
    "make_photo", PhotoFactory, "Create a library photo with its renditions; pass size=(w, h) for another image size."
)
make_user = factory_fixture("make_user", UserFactory)


@pytest.fixture
def editor(make_user):
    """A login in the Editors group."""
    return make_user(username="eddie", first_name="Eddie", last_name="Editor", groups=["Editors"])


@pytest.fixture
def reporter(make_user, make_author):
    """A login in the Reporters group, linked to an author profile."""
    user = make_user(username="rita", first_name="Rita", last_name="Reporter", groups=["Reporters"])
    make_author(user=user, name="Rita Reporter")
    return user


@pytest.fixture
def other_reporter(make_user, make_author):
    """A second reporter, whose stories are not Rita's."""
    user = make_user(username="otto", groups=["Reporters"])
    make_author(user=user, name="Otto Other")
    return user


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


REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture(scope="session")
def redis_url():
    """
    Return the address of a real Redis: REDIS_URL when set (CI starts one), else a
    redis-server started here on a free loopback port and stopped after the tests.
    """
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    if REDIS_SERVER is None:
        if os.environ.get("NEWSROOM_SERVICE_TESTS") == "required":
            pytest.fail("redis-server is needed for the Redis cache tests; `make test` installs it.")
        pytest.skip("redis-server is not installed; `make test` installs it and runs these tests.")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
