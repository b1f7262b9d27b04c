"""An editor changes the lead story in the admin, and a reader finds it leading the home page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from authors.tests.factories import UserFactory
from frontpage.models import Lineup
from tests.browser.admin import choose, log_in

NEWEST = "Ferry strike ends after talks"
CHOSEN = "Inquiry finds the bridge was never inspected"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_editor_puts_an_older_story_in_the_lead(page, new_page, screenshot_dir):
    UserFactory(username="eddie", first_name="Eddie", groups=["Editors"])
    ArticleFactory(headline=CHOSEN, published_at=timezone.now() - timedelta(days=1))
    ArticleFactory(headline=NEWEST)
    reader = new_page()
    reader.goto("/")
    assert reader.locator(".card__headline--lead").inner_text() == NEWEST

    log_in(page, "eddie")
    page.goto("/admin/frontpage/lineup/add/")
    page.select_option("#id_placements-0-position", "0")
    choose(page, "id_placements-0-article", CHOSEN)
    page.get_by_label("Note").fill("The inquiry's report is the story of the day")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/frontpage/lineup/")
    page.screenshot(path=f"{screenshot_dir}/front-page-lineups.png", full_page=True)
    assert Lineup.objects.get().created_by.username == "eddie"

    reader.reload()
    assert reader.locator(".card__headline--lead").inner_text() == CHOSEN
    assert NEWEST in reader.locator(".article-grid").first.inner_text()
    reader.screenshot(path=f"{screenshot_dir}/front-page-after.png", full_page=True)
