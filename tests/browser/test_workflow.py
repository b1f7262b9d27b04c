"""
The newsroom's whole path in a real browser: a reporter drafts and submits, an editor
sends the story back with a note, the reporter fixes and resubmits, the editor
schedules it a minute ahead and publishes another story now, and a reader sees the
published one at once and the scheduled one only when its time comes.

Rather than wait a minute, the test moves the clock: it patches
`django.utils.timezone.now`, the time source the published rule
(`Article.objects.published()`) reads on every request. The live server runs in a
thread of this process, so it sees the same clock.
"""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.tests.factories import ArticleFactory, SectionFactory
from authors.tests.factories import AuthorFactory, UserFactory
from tests.browser.admin import choose, log_in

HEADLINE = "Old bridge reopens after two years of repairs"
OTHER_HEADLINE = "Council approves night buses"


def state(page):
    return page.locator(".workflow-state__value").inner_text()


def press(page, label):
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


# The roles are granted after migrate (articles.roles); serialized_rollback (see migrated_data in
# conftest.py) brings them back after other transactional tests have emptied the tables.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_story_from_draft_to_readers(page, new_page, screenshot_dir, monkeypatch):
    SectionFactory(name="Local", slug="local")
    UserFactory(username="eddie", first_name="Eddie", last_name="Editor", groups=["Editors"])
    reporter = UserFactory(username="rita", groups=["Reporters"])
    rita = AuthorFactory(name="Rita Reporter", user=reporter)
    other = ArticleFactory(
        headline=OTHER_HEADLINE, authors=[rita], created_by=reporter, status=Article.Status.DRAFT, published_at=None
    )
    workflow.submit(other, reporter)

    # The reporter drafts a story and submits it.
    log_in(page, "rita")
    assert page.get_by_role("table", name="Your drafts").is_visible()
    page.get_by_role("link", name="Start a story").click()
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Standfirst").fill("The crossing is open to traffic again.")
    choose(page, "id_section", "Local")
    choose(page, "id_bylines-0-author", "Rita Reporter")
    page.locator('.field-body [contenteditable="true"]').click()
    page.keyboard.type("Engineers finished the work on Friday.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state()
    assert state(page) == "Draft"
    press(page, "Submit for review")
    assert state(page) == "In review"
    assert page.get_by_role("button", name="Publish").count() == 0
    page.screenshot(path=os.path.join(screenshot_dir, "workflow-1-reporter-submitted.png"), full_page=True)

    # The editor finds it in the review queue and sends it back with a note.
    desk = new_page()
    log_in(desk, "eddie")
    queue = desk.get_by_role("table", name="Waiting for review")
    assert queue.get_by_role("link", name=HEADLINE).is_visible()
    desk.screenshot(path=os.path.join(screenshot_dir, "workflow-2-editor-queue.png"), full_page=True)
    queue.get_by_role("link", name=HEADLINE).click()
    press(desk, "Send back")
    assert "what to change" in desk.locator(".errorlist").first.inner_text()
    assert state(desk) == "In review"
    desk.locator("#id_transition_note").fill("Who paid for the repairs? Add the council's figure.")
    press(desk, "Send back")
    assert state(desk) == "Draft"

    # The reporter sees the note, fixes the story and submits it again.
    page.goto("/admin/")
    sent_back = page.get_by_role("table", name="Sent back to you")
    assert "Add the council's figure." in sent_back.inner_text()
    page.screenshot(path=os.path.join(screenshot_dir, "workflow-3-reporter-sent-back.png"), full_page=True)
    sent_back.get_by_role("link", name=HEADLINE).click()
    assert "Add the council's figure." in page.locator(".workflow-state__note").inner_text()
    page.get_by_label("Standfirst").fill("The crossing is open again after £4m of repairs paid by the council.")
    press(page, "Submit for review")
    assert state(page) == "In review"

    # The editor schedules it a minute ahead, and publishes the other story now.
    desk.goto("/admin/")
    desk.get_by_role("table", name="Waiting for review").get_by_role("link", name=HEADLINE).click()
    when = timezone.localtime(timezone.now() + timedelta(minutes=1))
    desk.locator("#id_schedule_at_0").fill(when.strftime("%Y-%m-%d"))
    desk.locator("#id_schedule_at_1").fill(when.strftime("%H:%M:%S"))
    press(desk, "Schedule")
    assert state(desk).startswith("Scheduled for")
    desk.screenshot(path=os.path.join(screenshot_dir, "workflow-4-editor-scheduled.png"), full_page=True)
    desk.goto("/admin/")
    assert desk.get_by_role("table", name="Scheduled and embargoed").get_by_role("link", name=HEADLINE).is_visible()
    desk.get_by_role("table", name="Waiting for review").get_by_role("link", name=OTHER_HEADLINE).click()
    press(desk, "Publish")
    assert state(desk) == "Published"

    scheduled = Article.objects.get(headline=HEADLINE)
    assert scheduled.published_at > timezone.now()
    assert [record.action for record in scheduled.transitions.order_by("created_at", "pk")] == [
        "submit",
        "send_back",
        "submit",
        "schedule",
    ]

    # An anonymous reader sees the published story, not the scheduled one.
    reader = new_page()
    reader.goto("/")
    assert reader.get_by_role("link", name=OTHER_HEADLINE).first.is_visible()
    assert reader.get_by_role("link", name=HEADLINE).count() == 0
    assert reader.goto(scheduled.get_absolute_url()).status == 404

    # Two minutes later, by the clock the published rule reads, the scheduled story is out.
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    reader.goto("/")
    reader.get_by_role("link", name=HEADLINE).first.click()
    assert reader.get_by_role("heading", level=1).inner_text() == HEADLINE
    assert "£4m of repairs" in reader.locator(".story__standfirst").inner_text()
    reader.screenshot(path=os.path.join(screenshot_dir, "workflow-5-reader-sees-story.png"), full_page=True)
