"""Every kind of reader page passes axe-core with no serious or critical violations."""

import os

import pytest
from django.core.management import call_command

from articles.models import Article, Correction
from comments.models import Comment
from tests.browser.axe import blocking_violations
from tests.browser.conftest import DESKTOP, PHONE

READER_PAGES = {
    "home": "/",
    "article": "/2023/09/17/kim-leaves-russia/",
    "author": "/authors/mridha-shihab-mahmud/",
    "organisation": "/organisations/tass/",
    "section": "/sections/world/",
    "tag": "/tags/north-korea/",
    "search": "/search/?q=drones",
    "corrections": "/corrections/",
    "not-found": "/no/such/page/",
}


@pytest.fixture
def demo_newsroom(transactional_db):
    """The demo story, with a correction and an approved comment so that their markup is checked too."""
    call_command("load_demo", "--no-samples", verbosity=0)
    story = Article.objects.get(slug="kim-leaves-russia")
    Correction.objects.create(article=story, text="An earlier version misspelt the station's name.")
    Comment.objects.create(
        article=story, name="A reader", email="reader@example.org", text="Thanks.", status=Comment.Status.APPROVED
    )


# load_demo moves stories through the workflow, which needs the migrated roles back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("viewport_name,viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_reader_pages_pass_axe(demo_newsroom, new_page, screenshot_dir, viewport_name, viewport):
    page = new_page(viewport)
    failures = {}
    for name, url in READER_PAGES.items():
        page.goto(url)
        page.screenshot(path=os.path.join(screenshot_dir, f"{name}-{viewport_name}.png"), full_page=True)
        if violations := blocking_violations(page):
            failures[name] = violations
    assert failures == {}


# load_demo moves stories through the workflow, which needs the migrated roles back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_axe_finds_a_planted_violation(demo_newsroom, page):
    """Show that the check can fail: an image without alt text is a critical violation."""
    page.goto("/")
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/x.png\">')")
    assert any("image-alt" in line for line in blocking_violations(page))
