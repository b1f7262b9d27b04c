"""
A live blog in a real browser: a reporter posts entries from the live blog's admin page
while a reader's open page shows them arriving, without a reload.
"""

import os

import pytest

from articles.tests.factories import ArticleFactory
from authors.tests.factories import AuthorFactory, UserFactory
from liveblog.models import LiveBlog
from tests.browser.admin import log_in
from tests.browser.axe import blocking_violations


@pytest.mark.django_db(transaction=True)
def test_a_reader_sees_a_reporters_entries_arrive(new_page, settings, screenshot_dir):
    from playwright.sync_api import expect

    settings.NEWSROOM_LIVE_POLL_SECONDS = 1
    reporter = UserFactory(username="rita", groups=["Reporters"])
    article = ArticleFactory(
        headline="Election night", authors=[AuthorFactory(user=reporter, name="Rita Reporter")], created_by=reporter
    )
    live_blog = LiveBlog.objects.create(article=article)

    reader = new_page()
    reader.goto(article.get_absolute_url())
    assert reader.get_by_text("No updates yet.").is_visible()
    polls = []
    reader.on("response", lambda response: "/live/" in response.url and polls.append(response.status))

    desk = new_page()
    log_in(desk, "rita")
    for text in ["Polls have closed.", "First result: Northtown holds."]:
        desk.goto(f"/admin/liveblog/liveblog/{live_blog.pk}/change/")
        desk.locator("#id_entries-0-text").fill(text)
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.get_by_text("was changed successfully")).to_be_visible()
        reader.locator(".live-entry", has_text=text).wait_for(timeout=10_000)

    entries = reader.locator(".live-entry .live-entry__text").all_inner_texts()
    assert entries == ["First result: Northtown holds.", "Polls have closed."]
    assert reader.get_by_text("No updates yet.").count() == 0
    assert polls and set(polls) == {200}
    assert blocking_violations(reader) == []
    reader.screenshot(path=os.path.join(screenshot_dir, "live-blog-reader.png"), full_page=True)
    desk.screenshot(path=os.path.join(screenshot_dir, "live-blog-desk.png"), full_page=True)
