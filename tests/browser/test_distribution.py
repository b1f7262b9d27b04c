import json
import os

import pytest
from django.core.management import call_command

from tests.browser.conftest import PHONE

KIM = "North Korea’s Kim leaves Russia, given drones as gift"


# load_demo moves stories through the workflow, which needs the migrated roles back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_on_a_phone_moves_on_from_a_story(new_page, screenshot_dir):
    call_command("load_demo", verbosity=0)
    page = new_page(PHONE)

    page.goto("/")
    page.get_by_role("link", name=KIM).first.click()

    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    assert breadcrumb.get_by_role("link").all_inner_texts()[:2] == ["Home", "World"]
    related = page.get_by_role("region", name="Related stories")
    assert related.get_by_role("link").count() == 4
    # Nothing may stick out sideways on a phone: long headlines wrap or are cut with an ellipsis.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=os.path.join(screenshot_dir, "story-more-phone.png"), full_page=True)

    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data[0]["@type"] == "NewsArticle" and data[0]["headline"] == KIM

    previous = page.get_by_role("navigation", name="More in World").get_by_role("link").first
    headline = previous.inner_text().split("\n")[-1].strip()
    previous.click()
    assert page.get_by_role("heading", level=1).inner_text() == headline

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="World").click()
    assert page.get_by_role("heading", level=1).inner_text() == "World"
    feed_url = page.locator('link[rel="alternate"][type="application/rss+xml"]').last.get_attribute("href")
    assert feed_url == "/sections/world/feed/"
    assert "<rss" in page.request.get(feed_url).text()
