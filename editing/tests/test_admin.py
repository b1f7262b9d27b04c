"""The article admin: revisions pages, conflicting saves, presence and autosave."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.forms import change_form_data
from editing.forms import ConflictCheckedForm
from editing.models import ArticlePresence, Autosave, Revision
from editing.revisions import record_revision


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def revisions_url(article):
    return reverse("admin:articles_article_revisions", args=[article.pk])


def revision_url(article, revision):
    return reverse("admin:articles_article_revision", args=[article.pk, revision.pk])


def restore_url(article, revision):
    return reverse("admin:articles_article_revision_restore", args=[article.pk, revision.pk])


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


@pytest.fixture
def login(make_user):
    """Log a new client in as a member of `group` (Editors unless told otherwise)."""

    def log_in(username, group="Editors", first_name="", last_name=""):
        user = make_user(username=username, first_name=first_name, last_name=last_name)
        if group:
            user.groups.add(Group.objects.get(name=group))
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return log_in


@pytest.fixture
def viewer(login):
    """A client whose user may view articles but not change them."""
    client = login("viewer", group=None)
    client.user.user_permissions.add(Permission.objects.get(codename="view_article"))
    return client


def errors_of(response):
    return response.context["adminform"].form.non_field_errors() if response.context else []


@pytest.mark.django_db
class TestSavingRecordsRevisions:
    def test_admin_save_records_who_and_the_saved_inlines_and_tags(self, login, make_article):
        article = make_article(headline="Before", tags=["Old tag"])
        client = login("rita", first_name="Rita", last_name="Reporter")
        data = change_form_data(article, headline="After", tags=["New tag"], **{"bylines-0-role": "Pictures"})

        response = client.post(change_url(article), data)

        assert response.status_code == 302, errors_of(response)
        revision = article.revisions.get()
        assert revision.created_by == client.user
        assert revision.version == 2
        assert revision.data["headline"] == "After"
        assert revision.data["tags"] == ["New tag"]
        assert revision.data["bylines"][0]["role"] == "Pictures"

    def test_adding_an_article_records_its_first_revision(self, login, make_section, make_author):
        from articles.tests.test_admin import article_form_data

        client = login("rita")
        response = client.post(reverse("admin:articles_article_add"), article_form_data(make_section(), make_author()))
        assert response.status_code == 302
        revision = Revision.objects.get()
        assert (revision.reason, revision.version, revision.created_by) == ("Created", 1, client.user)

    def test_change_form_carries_the_loaded_version_and_links_to_revisions(self, login, make_article):
        article = make_article()
        Article.objects.filter(pk=article.pk).update(dateline="x")
        html = login("rita").get(change_url(article)).content.decode()
        assert 'name="loaded_version" value="2"' in html
        assert revisions_url(article) in html
        assert "editing/autosave.js" in html


@pytest.mark.django_db
class TestConcurrentEditing:
    """Two editors open the same article and both save: the second must not overwrite the first."""

    def test_second_save_gets_a_conflict_and_keeps_its_input_and_the_first_save(self, login, make_article):
        article = make_article(headline="Original headline", body="<p>Original body.</p>")
        ann = login("ann", first_name="Ann", last_name="Able")
        bob = login("bob")
        ann.get(change_url(article))
        bob.get(change_url(article))
        # Both forms were loaded at version 1.
        ann_data = change_form_data(article, headline="Ann's headline", body="<p>Ann's body.</p>")
        bob_data = change_form_data(
            article, headline="Bob's headline", body="<p>Bob's body.</p>", **{"bylines-0-role": "Bob's role"}
        )

        assert ann.post(change_url(article), ann_data).status_code == 302
        response = bob.post(change_url(article), bob_data)

        assert response.status_code == 200
        [message] = errors_of(response)
        assert "Ann Able saved this article at" in message
        assert "after you opened it" in message
        html = response.content.decode()
        assert 'value="Bob&#x27;s headline"' in html
        assert "Bob&#x27;s body." in html
        assert 'value="Bob&#x27;s role"' in html
        # What changed since Bob opened it: Ann's edit.
        assert "Changes since you opened it" in html
        assert '<del><span class="visually-hidden">taken out: </span>Original</del>' in html
        assert '<ins><span class="visually-hidden">put in: </span>Ann&#x27;s</ins> headline' in html
        stored = Article.objects.get(pk=article.pk)
        assert (stored.headline, stored.body, stored.version) == ("Ann's headline", "<p>Ann's body.</p>", 2)
        assert stored.bylines.get().role == ""

    def test_after_seeing_the_conflict_saving_again_keeps_the_second_text(self, login, make_article):
        article = make_article()
        ann, bob = login("ann"), login("bob")
        ann.post(change_url(article), change_form_data(article, headline="Ann's"))
        first_try = bob.post(change_url(article), change_form_data(article, headline="Bob's"))
        assert first_try.status_code == 200
        assert 'name="loaded_version" value="2"' in first_try.content.decode()

        second_try = bob.post(change_url(article), change_form_data(article, headline="Bob's", loaded_version=2))

        assert second_try.status_code == 302
        assert Article.objects.get(pk=article.pk).headline == "Bob's"
        assert [r.created_by.username for r in article.revisions.all()] == ["bob", "ann"]

    def test_a_save_that_lands_between_check_and_write_is_still_caught(self, login, make_article, monkeypatch):
        article = make_article(headline="Original")
        Article.objects.filter(pk=article.pk).update(headline="Saved meanwhile")
        # Let the form's check miss that save once, as if it had landed just after the check.
        original_clean = ConflictCheckedForm.clean
        missed = []

        def clean_missing_it_once(form):
            if not missed:
                missed.append(True)
                form.stored_version = form.cleaned_data["loaded_version"]
            return original_clean(form)

        monkeypatch.setattr(ConflictCheckedForm, "clean", clean_missing_it_once)
        response = login("bob").post(change_url(article), change_form_data(article, headline="Bob's"))

        assert missed
        assert response.status_code == 200
        assert "after you opened it" in errors_of(response)[0]
        assert Article.objects.get(pk=article.pk).headline == "Saved meanwhile"

    def test_conflict_without_a_recorded_revision_compares_stored_and_typed_text(self, login, make_article):
        article = make_article(headline="Original")
        Article.objects.filter(pk=article.pk).update(headline="Changed by a script")
        response = login("bob").post(change_url(article), change_form_data(article, headline="Bob's"))
        assert response.status_code == 200
        assert "Someone saved this article" in errors_of(response)[0]
        assert "The stored article (taken out) and your text (put in)" in response.content.decode()

    def test_form_without_the_version_is_refused_with_a_message(self, login, make_article):
        article = make_article(headline="Original")
        response = login("bob").post(
            change_url(article), change_form_data(article, headline="Bob's", loaded_version=None)
        )
        assert response.status_code == 200
        assert "did not say which version" in errors_of(response)[0]
        assert Article.objects.get(pk=article.pk).headline == "Original"

    def test_headline_with_markup_is_escaped_in_the_conflict_diff(self, login, make_article):
        article = make_article(headline="Original")
        login("ann").post(change_url(article), change_form_data(article, headline="<script>alert('x')</script>"))
        html = login("bob").post(change_url(article), change_form_data(article, headline="Bob's")).content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(" in html


@pytest.mark.django_db
class TestRevisionPages:
    @pytest.fixture
    def history(self, make_article, make_user):
        """An article saved three times, by three people."""
        article = make_article(headline="First headline", body="<p>One.</p>")
        record_revision(article, make_user(username="first"))
        for n, headline in enumerate(["Second headline", "Third headline"]):
            article.headline = headline
            article.save()
            record_revision(article, make_user(username=f"user{n}"), reason=f"Edit {n}")
        return article

    def test_list_shows_who_when_why_and_what_changed(self, login, history):
        response = login("rita").get(revisions_url(history))
        assert response.status_code == 200
        entries = response.context["entries"]
        assert [e["revision"].created_by.username for e in entries] == ["user1", "user0", "first"]
        assert [e["changed"] for e in entries] == [["Headline"], ["Headline"], None]
        html = response.content.decode()
        assert "Edit 1" in html and "(current)" in html

    def test_list_queries_do_not_grow_with_revisions(self, login, make_article, make_user, django_assert_num_queries):
        client = login("rita")
        counts = []
        for saves in (2, 30):
            article = make_article()
            editor = make_user()
            for n in range(saves):
                article.headline = f"Headline {n}"
                article.save()
                record_revision(article, editor)
            client.get(revisions_url(article))  # warm the session and permission caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(revisions_url(article)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
        assert counts[1] <= 10

    def test_diff_against_now_and_against_another_revision(self, login, history):
        client = login("rita")
        oldest = history.revisions.last()
        html = client.get(revision_url(history, oldest)).content.decode()
        assert "to the article as it is now" in html
        assert "First" in html and "Third" in html

        middle = history.revisions.all()[1]
        response = client.get(revision_url(history, oldest) + f"?against={middle.pk}")
        assert [f.name for f in response.context["fields"]] == ["headline"]
        assert "Second" in response.content.decode()

    def test_unknown_revision_or_one_of_another_article_is_404(self, login, history, make_article):
        other = make_article()
        other_revision = record_revision(other)
        client = login("rita")
        assert client.get(revision_url(history, other_revision)).status_code == 404
        assert client.get(revision_url(history, history.revisions.first()) + "?against=abc").status_code == 404
        assert client.get(reverse("admin:articles_article_revisions", args=[999999])).status_code == 404

    def test_restore_asks_first_then_saves_a_new_revision(self, login, history):
        client = login("rita")
        oldest = history.revisions.last()
        count = history.revisions.count()

        confirm = client.get(restore_url(history, oldest))
        assert confirm.status_code == 200
        assert "Yes, restore it" in confirm.content.decode()
        assert history.revisions.count() == count

        response = client.post(restore_url(history, oldest))

        assert response.status_code == 302
        assert response["Location"] == change_url(history)
        history.refresh_from_db()
        assert history.headline == "First headline"
        assert history.revisions.count() == count + 1
        assert history.revisions.first().created_by == client.user

    def test_viewer_may_read_revisions_but_not_restore(self, viewer, history):
        oldest = history.revisions.last()
        response = viewer.get(revisions_url(history))
        assert response.status_code == 200
        assert "Restore" not in response.content.decode()
        assert viewer.get(revision_url(history, oldest)).status_code == 200
        assert viewer.get(restore_url(history, oldest)).status_code == 403
        assert viewer.post(restore_url(history, oldest)).status_code == 403
        history.refresh_from_db()
        assert history.headline == "Third headline"

    def test_user_without_article_permissions_sees_nothing(self, login, history):
        client = login("nobody", group=None)
        assert client.get(revisions_url(history)).status_code == 403
        assert client.get(revision_url(history, history.revisions.first())).status_code == 403


@pytest.mark.django_db
class TestPresence:
    def test_change_form_says_who_else_has_the_article_open(self, login, make_article):
        article = make_article()
        jane = login("jane", first_name="Jane", last_name="Doe")
        me = login("me")
        jane.get(change_url(article))

        html = me.get(change_url(article)).content.decode()

        assert "Also open by Jane Doe (now)" in html
        assert "Also open by" not in jane.get(change_url(article)).content.decode().replace("Also open by me", "")

    def test_saving_and_leaving_the_form_ends_presence(self, login, make_article):
        article = make_article()
        jane = login("jane", first_name="Jane", last_name="Doe")
        jane.get(change_url(article))
        assert jane.post(change_url(article), change_form_data(article)).status_code == 302
        assert "Also open by" not in login("me").get(change_url(article)).content.decode()

    def test_presence_older_than_five_minutes_is_not_shown(self, login, make_article):
        article = make_article()
        login("jane").get(change_url(article))
        ArticlePresence.objects.update(seen_at=timezone.now() - timedelta(minutes=6))
        assert "Also open by" not in login("me").get(change_url(article)).content.decode()

    def test_a_viewer_is_not_counted_as_editing(self, viewer, make_article):
        article = make_article()
        assert viewer.get(change_url(article)).status_code == 200
        assert not ArticlePresence.objects.exists()


@pytest.mark.django_db
class TestAutosave:
    def test_autosave_keeps_text_without_touching_the_article_or_its_history(self, login, make_article):
        article = make_article(headline="Stored")
        client = login("rita")
        before = Article.objects.values("version", "updated_at", "headline").get(pk=article.pk)

        response = client.post(
            autosave_url(article),
            {"loaded_version": 1, "headline": "Typed", "standfirst": "S", "body": "<p>B</p><script>x</script>"},
        )

        assert response.status_code == 200
        assert response.json()["saved"].startswith("Draft kept at")
        autosave = Autosave.objects.get()
        assert (autosave.user, autosave.headline, autosave.body, autosave.version) == (
            client.user,
            "Typed",
            "<p>B</p>",
            1,
        )
        assert Article.objects.values("version", "updated_at", "headline").get(pk=article.pk) == before
        assert not Revision.objects.exists()

    def test_one_autosave_per_user_and_article_is_overwritten(self, login, make_article):
        article = make_article()
        client = login("rita")
        for headline in ("One", "Two"):
            client.post(
                autosave_url(article), {"loaded_version": 1, "headline": headline, "standfirst": "", "body": ""}
            )
        assert list(Autosave.objects.values_list("headline", flat=True)) == ["Two"]

    def test_ping_without_text_only_refreshes_presence_and_reports_others_and_newer_saves(self, login, make_article):
        article = make_article()
        login("jane", first_name="Jane", last_name="Doe").get(change_url(article))
        Article.objects.filter(pk=article.pk).update(headline="Saved by someone")
        client = login("rita")

        answer = client.post(autosave_url(article), {"loaded_version": 1}).json()

        assert not Autosave.objects.exists()
        assert ArticlePresence.objects.filter(user=client.user).exists()
        assert answer["version"] == 2
        assert answer["others"] == "Also open by Jane Doe (now)."
        assert "saved this article at" in answer["newer"]

    def test_refuses_a_user_without_change_permission(self, viewer, make_article):
        article = make_article()
        response = viewer.post(autosave_url(article), {"loaded_version": 1, "headline": "x"})
        assert response.status_code == 403
        assert not Autosave.objects.exists()

    def test_refuses_anonymous_get_and_bad_input(self, client, login, make_article):
        article = make_article()
        assert client.post(autosave_url(article), {"loaded_version": 1}).status_code == 302
        rita = login("rita")
        assert rita.get(autosave_url(article)).status_code == 405
        bad = rita.post(autosave_url(article), {"loaded_version": "x", "headline": "y" * 300})
        assert bad.status_code == 400
        assert set(bad.json()["errors"]) == {"loaded_version", "headline"}
        assert (
            rita.post(reverse("admin:articles_article_autosave", args=[99999]), {"loaded_version": 1}).status_code
            == 404
        )

    def test_reopening_offers_the_autosave_and_restoring_fills_the_form(self, login, make_article):
        article = make_article(headline="Stored headline")
        client = login("rita")
        client.post(
            autosave_url(article),
            {"loaded_version": 1, "headline": "Unsaved headline", "standfirst": "", "body": "<p>Unsaved.</p>"},
        )

        offer = client.get(change_url(article)).content.decode()
        assert "You have unsaved changes from" in offer
        assert 'value="Stored headline"' in offer

        restored = client.get(change_url(article) + "?autosave=restore")
        html = restored.content.decode()
        assert 'value="Unsaved headline"' in html
        assert "&lt;p&gt;Unsaved.&lt;/p&gt;" in html
        assert "are in the form below" in html
        assert Article.objects.get(pk=article.pk).headline == "Stored headline"

    def test_restored_text_typed_over_an_older_version_goes_through_the_conflict_check(self, login, make_article):
        article = make_article(headline="Stored headline")
        client = login("rita")
        client.post(autosave_url(article), {"loaded_version": 1, "headline": "Unsaved", "standfirst": "", "body": ""})
        Article.objects.filter(pk=article.pk).update(headline="Someone else's")

        form = client.get(change_url(article) + "?autosave=restore").context["adminform"].form

        assert form["loaded_version"].value() == 1

    def test_autosave_is_not_offered_to_others_or_when_it_matches_the_article(self, login, make_article):
        article = make_article(headline="Stored")
        rita = login("rita")
        rita.post(autosave_url(article), {"loaded_version": 1, "headline": "Unsaved", "standfirst": "", "body": ""})
        assert "unsaved changes" in rita.get(change_url(article)).content.decode()
        assert "unsaved changes" not in login("other").get(change_url(article)).content.decode()
        Autosave.objects.update(headline=article.headline, standfirst=article.standfirst, body=article.body)
        assert "unsaved changes" not in rita.get(change_url(article)).content.decode()

    def test_discard_and_save_both_forget_the_autosave(self, login, make_article):
        article = make_article()
        client = login("rita")
        payload = {"loaded_version": 1, "headline": "Unsaved", "standfirst": "", "body": ""}
        client.post(autosave_url(article), payload)
        discard = reverse("admin:articles_article_autosave_discard", args=[article.pk])
        assert client.get(discard).status_code == 405
        assert client.post(discard).json() == {"discarded": True}
        assert not Autosave.objects.exists()

        client.post(autosave_url(article), payload)
        assert client.post(change_url(article), change_form_data(article)).status_code == 302
        assert not Autosave.objects.exists()

    def test_add_form_does_not_autosave(self, login):
        html = login("rita").get(reverse("admin:articles_article_add")).content.decode()
        assert "editing/autosave.js" not in html
        assert "loaded_version" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers with a file lock instead")
@pytest.mark.django_db(transaction=True)
def test_two_editors_posting_at_the_same_moment_lose_nothing(make_article, make_user):
    """Both POSTs run at once, each in its own thread and connection: one saves, one gets the conflict."""
    article = make_article(headline="Original")
    clients = {}
    for name in ("ann", "bob"):
        # Superusers: a transactional test may run after another has flushed the role groups.
        user = make_user(username=name, is_superuser=True)
        clients[name] = Client()
        clients[name].force_login(user)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(name):
        try:
            data = change_form_data(article, headline=f"Headline by {name}")
            barrier.wait(timeout=10)
            response = clients[name].post(change_url(article), data)
            outcomes[name] = (response.status_code, "after you opened it" in response.content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == [(200, True), (302, False)]
    winner = next(name for name, (status, _) in outcomes.items() if status == 302)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == (f"Headline by {winner}", 2)
