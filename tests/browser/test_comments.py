import os

import pytest
from playwright.sync_api import expect

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from tests.browser.conftest import PHONE


@pytest.mark.django_db(transaction=True)
def test_reader_posts_a_comment_through_the_form(new_page, screenshot_dir):
    article = ArticleFactory(headline="Kim leaves Russia")
    page = new_page(viewport=PHONE)
    page.goto(article.get_absolute_url())

    assert page.get_by_text("No comments yet").is_visible()
    honeypot = page.locator("input[name=website]")
    assert not honeypot.is_visible() or honeypot.bounding_box()["x"] < 0

    form = page.get_by_role("form", name="Add a comment")
    form.get_by_label("Your name").fill("Jane Reader")
    form.get_by_label("Your email address").fill("jane@example.net")
    form.get_by_label("Comment").fill("Drones as a gift?\nSurely not.")
    # Tabbing on from the comment box goes to the button, never to the hidden honeypot.
    form.get_by_label("Comment").press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Post comment"
    form.get_by_role("button", name="Post comment").click()

    status = page.get_by_role("status")
    assert "your comment will appear once a moderator approves it" in status.inner_text()
    assert page.url.endswith(article.get_absolute_url())
    page.screenshot(path=os.path.join(screenshot_dir, "comment-posted-phone.png"), full_page=True)

    comment = Comment.objects.get()
    assert (comment.name, comment.text, comment.status) == ("Jane Reader", "Drones as a gift?\nSurely not.", "pending")

    Comment.objects.update(status=Comment.Status.APPROVED)
    page.reload()
    assert page.get_by_role("heading", name="1 comment").is_visible()
    assert page.locator(".comment__text").inner_text() == "Drones as a gift?\nSurely not."
    page.locator("#comments").screenshot(path=os.path.join(screenshot_dir, "comment-approved-phone.png"))


@pytest.mark.django_db(transaction=True)
def test_form_error_keeps_what_the_reader_typed(page):
    article = ArticleFactory()
    page.goto(article.get_absolute_url())
    form = page.get_by_role("form", name="Add a comment")
    form.get_by_label("Your name").fill("Jane Reader")
    form.get_by_label("Your email address").fill("jane@example")  # passes the browser's check, not Django's
    form.get_by_label("Comment").fill("Worth keeping")
    form.get_by_role("button", name="Post comment").click()

    # Waits for the answer to the post: is_visible() would look once, perhaps before it is drawn.
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    assert form.get_by_label("Comment").input_value() == "Worth keeping"
    assert form.get_by_label("Your name").input_value() == "Jane Reader"
    assert not Comment.objects.exists()
