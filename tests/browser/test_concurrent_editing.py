"""Two people edit one article in two browsers; nothing either typed is lost."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory
from authors.tests.factories import UserFactory
from editing.models import Autosave

PASSWORD = "correct horse battery staple"


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def editor(page, name):
    # Superusers: role groups come from a migration and a transactional test may flush them.
    first, last = name.split()
    user = UserFactory(username=first.lower(), first_name=first, last_name=last, is_superuser=True)
    log_in(page, user.username)
    return user


def body_editor(page):
    return page.locator(".field-body [contenteditable=true]")


@pytest.mark.django_db(transaction=True)
def test_second_save_shows_the_conflict_and_keeps_the_typed_text(page, new_page, screenshot_dir):
    article = ArticleFactory(headline="Original headline", body="<p>Original body.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    ann_page, bob_page = page, new_page()
    editor(ann_page, "Ann Able")
    editor(bob_page, "Bob Baker")

    ann_page.goto(url)
    bob_page.goto(url)
    assert "Also open by Ann Able" in bob_page.locator("[data-presence]").inner_text()

    ann_page.get_by_label("Headline:").fill("Ann's headline")
    ann_page.get_by_role("button", name="Save", exact=True).click()
    ann_page.wait_for_url("**/admin/articles/article/")

    bob_page.get_by_label("Headline:").fill("Bob's headline")
    body_editor(bob_page).click()
    bob_page.keyboard.press("End")
    bob_page.keyboard.type(" Bob added this.")
    bob_page.get_by_role("button", name="Save", exact=True).click()

    error = bob_page.locator(".errorlist.nonfield")
    error.wait_for()
    assert "Ann Able saved this article at" in error.inner_text()
    assert bob_page.get_by_label("Headline:").input_value() == "Bob's headline"
    assert "Original body. Bob added this." in body_editor(bob_page).inner_text()
    conflict = bob_page.locator(".editing-conflict")
    assert "Changes since you opened it" in conflict.inner_text()
    assert conflict.locator("ins").first.inner_text().endswith("Ann's")
    bob_page.screenshot(path=f"{screenshot_dir}/edit-conflict.png", full_page=True)
    assert Article.objects.get(pk=article.pk).headline == "Ann's headline"

    # Having seen Ann's change, Bob saves again and his text goes in.
    bob_page.get_by_role("button", name="Save", exact=True).click()
    bob_page.wait_for_url("**/admin/articles/article/")
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Bob's headline"
    assert "Bob added this." in stored.body


@pytest.mark.django_db(transaction=True)
def test_unsaved_text_is_autosaved_and_offered_when_the_article_is_reopened(page, settings, screenshot_dir):
    settings.NEWSROOM_AUTOSAVE_SECONDS = 1
    article = ArticleFactory(headline="Stored headline", body="<p>Stored body.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor(page, "Cat Cole")

    page.goto(url)
    body_editor(page).click()
    page.keyboard.press("End")
    # One input event, so no autosave can catch the text half typed.
    page.keyboard.insert_text(" Typed but not saved.")
    page.get_by_text("Draft kept at").wait_for()

    assert "Typed but not saved." in Autosave.objects.get().body
    assert Article.objects.get(pk=article.pk).body == "<p>Stored body.</p>"

    page.goto(url)
    offer = page.locator("[data-autosave-offer]")
    assert "You have unsaved changes from" in offer.inner_text()
    assert "Typed but not saved." not in body_editor(page).inner_text()
    page.screenshot(path=f"{screenshot_dir}/autosave-offer.png", full_page=True)

    page.get_by_role("link", name="Restore them").click()
    assert "Stored body. Typed but not saved." in body_editor(page).inner_text()
    assert page.get_by_label("Headline:").input_value() == "Stored headline"
    assert Article.objects.get(pk=article.pk).body == "<p>Stored body.</p>"
