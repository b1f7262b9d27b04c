"""The workflow through the admin: buttons per role, crafted POSTs, bulk actions, the newsdesk."""

from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleTransition, Correction, PreviewLink

pytestmark = pytest.mark.django_db

Status = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def field_data(bound_field):
    """Return what a browser sends for one bound field, as {name: value or list}."""
    widget, value, name = bound_field.field.widget, bound_field.value(), bound_field.html_name
    if isinstance(widget, forms.ClearableFileInput):
        return {}
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        return {f"{name}_{index}": "" if part is None else str(part) for index, part in enumerate(parts)}
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(value, (list, tuple)):
        return {name: [str(item) for item in value]}
    return {name: "" if value is None else str(value)}


def form_data(response):
    """Return the POST data the admin change form in `response` sends when saved as it stands."""
    data = {}
    forms_to_send = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_to_send += [inline.formset.management_form, *inline.formset.forms]
    for form in forms_to_send:
        for bound_field in form:
            data.update(field_data(bound_field))
    return data


@pytest.fixture
def change_form_data(client, editor):
    """Return the change form's data for an article as an editor sees it, then log the client out."""

    def read(article, **overrides):
        client.force_login(editor)
        data = form_data(client.get(change_url(article)))
        client.logout()
        return data | overrides

    return read


def buttons(response):
    """Return the labels of the workflow buttons on a change form."""
    return [str(transition.label) for transition in response.context["workflow_transitions"]]


def snapshot(article):
    """Return everything a forbidden request must leave as it was."""
    row = Article.objects.values("headline", "status", "published_at", "updated_at").get(pk=article.pk)
    return row, ArticleTransition.objects.filter(article=article).count()


class TestChangeForm:
    def test_reporter_sees_state_and_only_submit_on_own_draft(self, client, reporter, draft_by):
        article = draft_by(reporter)
        client.force_login(reporter)
        response = client.get(change_url(article))
        html = response.content.decode()
        assert buttons(response) == ["Submit for review"]
        assert 'name="transition" value="submit"' in html
        assert 'value="publish"' not in html
        assert 'State: <strong class="workflow-state__value">Draft</strong>' in html
        assert 'name="status"' not in html
        assert 'name="published_at_0"' not in html

    def test_editor_sees_review_buttons_with_exact_labels(self, client, editor, reporter, draft_by):
        article = draft_by(reporter, status=Status.REVIEW)
        client.force_login(editor)
        response = client.get(change_url(article))
        html = response.content.decode()
        for action, label in [
            ("send_back", "Send back"),
            ("publish", "Publish"),
            ("schedule", "Schedule"),
            ("spike", "Spike"),
        ]:
            assert f'value="{action}" class="workflow-button workflow-button--{action}">{label}</button>' in html
        assert 'name="schedule_at_0"' in html
        assert 'name="transition_note"' in html

    def test_other_reporters_draft_is_read_only(self, client, reporter, other_reporter, draft_by):
        article = draft_by(other_reporter)
        client.force_login(reporter)
        response = client.get(change_url(article))
        assert response.status_code == 200
        assert buttons(response) == []
        assert 'name="_save"' not in response.content.decode()

    def test_history_is_shown(self, client, editor, reporter, draft_by):
        from articles import workflow

        article = draft_by(reporter)
        workflow.submit(article, reporter)
        workflow.send_back(article, editor, "Where is the second source?")
        client.force_login(reporter)
        html = client.get(change_url(article)).content.decode()
        assert "<caption>State changes</caption>" in html
        assert html.count("Where is the second source?") == 2  # in the note to the reporter and in the history
        assert "Sent back</strong> by Eddie Editor" in html


class TestButtons:
    def test_reporter_saves_edits_and_submits_in_one_press(self, client, reporter, draft_by, change_form_data):
        article = draft_by(reporter, headline="First go")
        data = change_form_data(article, headline="Second go", transition="submit")
        client.force_login(reporter)

        response = client.post(change_url(article), data)

        assert response.status_code == 302
        assert response.url == change_url(article)
        article.refresh_from_db()
        assert (article.headline, article.status) == ("Second go", Status.REVIEW)
        record = article.transitions.get()
        assert (record.user, record.from_status, record.to_status) == (reporter, Status.DRAFT, Status.REVIEW)

    def test_send_back_without_note_is_a_form_error_that_keeps_input(
        self, client, editor, reporter, draft_by, change_form_data
    ):
        article = draft_by(reporter, status=Status.REVIEW)
        before = snapshot(article)
        data = change_form_data(article, headline="Edited while reviewing", transition="send_back", transition_note="")
        client.force_login(editor)

        response = client.post(change_url(article), data)

        assert response.status_code == 200
        assert "transition_note" in response.context["adminform"].form.errors
        assert 'value="Edited while reviewing"' in response.content.decode()
        assert snapshot(article) == before

    def test_send_back_with_note_reaches_the_reporter(self, client, editor, reporter, draft_by, change_form_data):
        article = draft_by(reporter, status=Status.REVIEW, headline="Flood story")
        data = change_form_data(article, transition="send_back", transition_note="Add the council's response.")
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302
        assert Article.objects.get(pk=article.pk).status == Status.DRAFT

        client.force_login(reporter)
        desk = client.get(reverse("admin:index")).content.decode()
        assert "Sent back to you" in desk
        assert "Add the council&#x27;s response." in desk
        form = client.get(change_url(article))
        assert "Add the council&#x27;s response." in form.content.decode()
        assert buttons(form) == ["Submit for review"]

    def test_editor_schedules_for_a_chosen_time(self, client, editor, reporter, draft_by, change_form_data):
        article = draft_by(reporter, status=Status.REVIEW)
        when = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
        data = change_form_data(
            article,
            transition="schedule",
            schedule_at_0=when.date().isoformat(),
            schedule_at_1=when.strftime("%H:%M:%S"),
        )
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert (article.status, article.published_at) == (Status.PUBLISHED, when)
        assert not Article.objects.published().exists()
        assert "scheduled for" in client.get(change_url(article)).content.decode()

    def test_schedule_before_embargo_is_a_form_error(
        self, client, editor, reporter, draft_by, change_form_data, make_organisation
    ):
        lifts = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        article = draft_by(
            reporter, status=Status.REVIEW, embargo_lifts_at=lifts, embargoed_by=make_organisation(name="AFP")
        )
        before = snapshot(article)
        early = lifts - timedelta(days=1)
        data = change_form_data(
            article,
            transition="schedule",
            schedule_at_0=early.date().isoformat(),
            schedule_at_1=early.strftime("%H:%M:%S"),
        )
        client.force_login(editor)
        response = client.post(change_url(article), data)
        assert response.status_code == 200
        assert "embargoed by AFP" in str(response.context["adminform"].form.errors["schedule_at"])
        assert snapshot(article) == before

    def test_editing_the_embargo_in_the_same_press_is_checked(
        self, client, editor, reporter, draft_by, change_form_data
    ):
        article = draft_by(reporter, status=Status.REVIEW)
        lifts = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
        data = change_form_data(
            article,
            transition="publish",
            embargo_lifts_at_0=lifts.date().isoformat(),
            embargo_lifts_at_1=lifts.strftime("%H:%M:%S"),
        )
        client.force_login(editor)
        response = client.post(change_url(article), data)
        assert response.status_code == 200
        assert "embargoed" in str(response.context["adminform"].form.non_field_errors())
        assert Article.objects.get(pk=article.pk).status == Status.REVIEW

    def test_unpublish_takes_the_story_down_with_a_reason(self, client, editor, make_article, change_form_data):
        article = make_article()
        data = change_form_data(article, transition="unpublish", transition_note="Legal hold.")
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302
        assert not Article.objects.published().exists()
        assert article.transitions.get().note == "Legal hold."

    def test_editor_edits_published_story_silently(self, client, editor, make_article, change_form_data):
        article = make_article(headline="Typo in headlne")
        data = change_form_data(article, headline="Typo in headline")
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert (article.headline, article.status) == ("Typo in headline", Status.PUBLISHED)
        assert not article.transitions.exists()

    def test_saving_ranks_the_story_by_its_new_tags(self, client, editor, make_article, change_form_data):
        article = make_article(tags=["Trains"])
        on_drones = make_article(tags=["Drones"])
        data = change_form_data(article, tags=["Drones"])
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302
        assert Article.objects.published().links_around(article).related == [on_drones]

    def test_unknown_transition_is_a_form_error(self, client, editor, reporter, draft_by, change_form_data):
        article = draft_by(reporter)
        data = change_form_data(article, transition="teleport")
        client.force_login(editor)
        response = client.post(change_url(article), data)
        assert response.status_code == 200
        assert "transition" in response.context["adminform"].form.errors


class TestCraftedRequests:
    """A reporter cannot publish, schedule, unpublish or delete by any route; nothing changes."""

    def test_reporter_posting_status_published_is_refused(self, client, reporter, draft_by, change_form_data):
        article = draft_by(reporter)
        before = snapshot(article)
        data = change_form_data(article, headline="Sneaky", status=Status.PUBLISHED)
        client.force_login(reporter)
        assert client.post(change_url(article), data).status_code == 403
        assert snapshot(article) == before

    def test_reporter_posting_a_publication_time_is_refused(self, client, reporter, draft_by, change_form_data):
        article = draft_by(reporter)
        before = snapshot(article)
        data = change_form_data(article, published_at_0="2020-01-01", published_at_1="12:00:00")
        client.force_login(reporter)
        assert client.post(change_url(article), data).status_code == 403
        assert snapshot(article) == before

    @pytest.mark.parametrize("action", ["publish", "schedule", "unpublish", "send_back", "spike"])
    def test_reporter_pressing_an_editors_button_gets_403(self, client, reporter, draft_by, change_form_data, action):
        article = draft_by(reporter)
        before = snapshot(article)
        tomorrow = timezone.now() + timedelta(days=1)
        data = change_form_data(
            article,
            headline="Edited on the way",
            transition=action,
            transition_note="because",
            schedule_at_0=tomorrow.date().isoformat(),
            schedule_at_1="12:00:00",
        )
        client.force_login(reporter)
        assert client.post(change_url(article), data).status_code == 403
        assert snapshot(article) == before

    def test_reporter_editing_own_article_in_review_gets_403(self, client, reporter, draft_by, change_form_data):
        article = draft_by(reporter, status=Status.REVIEW)
        before = snapshot(article)
        data = change_form_data(article, headline="Changed after submitting")
        client.force_login(reporter)
        assert client.post(change_url(article), data).status_code == 403
        assert snapshot(article) == before

    def test_reporter_editing_someone_elses_draft_gets_403(
        self, client, reporter, other_reporter, draft_by, change_form_data
    ):
        article = draft_by(other_reporter)
        before = snapshot(article)
        client.force_login(reporter)
        for data in [change_form_data(article, headline="Mine now"), change_form_data(article, transition="submit")]:
            client.force_login(reporter)
            assert client.post(change_url(article), data).status_code == 403
        assert snapshot(article) == before

    def test_reporter_calling_the_publish_action_gets_403(self, client, reporter, draft_by):
        article = draft_by(reporter)
        before = snapshot(article)
        client.force_login(reporter)
        assert (
            "publish_selected" not in client.get(CHANGELIST).context["action_form"].fields["action"].choices.__str__()
        )
        response = client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk], "index": 0})
        assert response.status_code == 403
        assert snapshot(article) == before

    def test_reporter_deleting_a_published_article_gets_403(self, client, reporter, make_article):
        article = make_article(authors=[reporter.author], created_by=reporter)
        client.force_login(reporter)
        delete_url = reverse("admin:articles_article_delete", args=[article.pk])
        assert client.get(delete_url).status_code == 403
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        bulk = {"action": "delete_selected", "_selected_action": [article.pk], "index": 0, "post": "yes"}
        assert client.post(CHANGELIST, bulk).status_code == 403
        assert Article.objects.published().filter(pk=article.pk).exists()

    def test_reporter_deletes_own_draft(self, client, reporter, draft_by):
        article = draft_by(reporter)
        client.force_login(reporter)
        response = client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not Article.objects.filter(pk=article.pk).exists()

    def test_editor_cannot_set_the_publication_time_by_hand_either(
        self, client, editor, make_article, change_form_data
    ):
        article = make_article()
        before = snapshot(article)
        data = change_form_data(article, published_at_0="2030-01-01", published_at_1="12:00:00")
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 403
        assert snapshot(article) == before


class TestBulkActions:
    def test_editor_publishes_selected_through_the_workflow(
        self, client, editor, reporter, draft_by, make_organisation
    ):
        ready = draft_by(reporter, status=Status.REVIEW)
        embargoed = draft_by(reporter, status=Status.REVIEW, embargo_lifts_at=timezone.now() + timedelta(hours=3))
        client.force_login(editor)

        response = client.post(
            CHANGELIST,
            {"action": "publish_selected", "_selected_action": [ready.pk, embargoed.pk], "index": 0},
            follow=True,
        )

        assert list(Article.objects.published()) == [ready]
        assert ready.transitions.get().user == editor
        assert Article.objects.get(pk=embargoed.pk).status == Status.REVIEW
        shown = [str(message) for message in response.context["messages"]]
        assert any("embargoed" in message for message in shown)
        assert any("done for 1 article" in message for message in shown)

    def test_reporter_submits_own_drafts_but_not_others(self, client, reporter, other_reporter, draft_by):
        own, theirs = draft_by(reporter), draft_by(other_reporter)
        client.force_login(reporter)
        client.post(CHANGELIST, {"action": "submit_selected", "_selected_action": [own.pk, theirs.pk], "index": 0})
        assert Article.objects.get(pk=own.pk).status == Status.REVIEW
        assert Article.objects.get(pk=theirs.pk).status == Status.DRAFT


class TestChangelist:
    def test_mine_filter(self, client, reporter, other_reporter, draft_by, make_article, make_user):
        own = draft_by(reporter)
        bylined = make_article(authors=[reporter.author], created_by=make_user())
        draft_by(other_reporter)
        client.force_login(reporter)
        response = client.get(CHANGELIST + "?mine=yes")
        assert {article.pk for article in response.context["cl"].result_list} == {own.pk, bylined.pk}
        assert client.get(CHANGELIST).context["cl"].result_count == 3

    def test_status_filter_includes_spiked(self, client, editor, reporter, draft_by):
        spiked = draft_by(reporter, status=Status.SPIKED)
        draft_by(reporter)
        client.force_login(editor)
        assert list(client.get(CHANGELIST + "?status__exact=spiked").context["cl"].result_list) == [spiked]


class TestNewsdesk:
    def test_editor_lands_on_review_queue_oldest_first_and_scheduled(
        self, client, editor, reporter, draft_by, make_article
    ):
        from articles import workflow

        first = draft_by(reporter, headline="Submitted first")
        second = draft_by(reporter, headline="Submitted second")
        workflow.submit(first, reporter)
        workflow.submit(second, reporter)
        ArticleTransition.objects.filter(article=first).update(created_at=timezone.now() - timedelta(hours=3))
        scheduled = make_article(headline="Coming tomorrow", published_at=timezone.now() + timedelta(days=1))
        make_article(headline="Already out")

        client.force_login(editor)
        response = client.get(reverse("admin:index"))

        html = response.content.decode()
        assert list(response.context["in_review"]) == [first, second]
        assert list(response.context["upcoming"]) == [scheduled]
        assert html.index("Submitted first") < html.index("Submitted second")
        assert "Waiting for review" in html and "Coming tomorrow" in html
        assert "Already out" not in html

    def test_reporter_sees_own_drafts_not_the_queue(self, client, reporter, other_reporter, draft_by):
        draft_by(reporter, headline="My draft")
        draft_by(other_reporter, headline="Otto's draft")
        client.force_login(reporter)
        html = client.get(reverse("admin:index")).content.decode()
        assert "My draft" in html
        assert "Otto" not in html
        assert "Waiting for review" not in html

    def test_desk_queries_do_not_grow_with_stories(
        self, client, editor, reporter, draft_by, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(editor)
        draft_by(reporter, status=Status.REVIEW)
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("admin:index"))
        for _ in range(15):
            draft_by(reporter, status=Status.REVIEW)
            draft_by(editor.author if hasattr(editor, "author") else reporter)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(reverse("admin:index")).status_code == 200


class TestCorrectionsInAdmin:
    def test_editor_adds_a_correction_shown_on_the_story(self, client, editor, make_article, change_form_data):
        article = make_article(published_at=timezone.now() - timedelta(days=1))
        Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
        data = change_form_data(article)
        data.update(
            {
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": Correction.Kind.CORRECTION,
                "corrections-0-text": "An earlier version gave the wrong date.",
                "corrections-0-article": str(article.pk),
            }
        )
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302

        correction = article.corrections.get()
        assert correction.created_by == editor
        article.refresh_from_db()
        assert article.updated_at == correction.created_at
        page = client.get(article.get_absolute_url()).content.decode()
        assert "Corrections and updates" in page
        assert "An earlier version gave the wrong date." in page
        assert "Updated <time" in page

    def test_reporters_get_no_corrections_form(self, client, reporter, draft_by):
        client.force_login(reporter)
        response = client.get(change_url(draft_by(reporter)))
        prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
        assert prefixes == ["bylines"]


class TestPreviewLinksInAdmin:
    def test_editor_creates_and_revokes_a_link(self, client, editor, reporter, draft_by, change_form_data):
        article = draft_by(reporter, headline="For the lawyer")
        expires = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
        data = change_form_data(article)
        data.update(
            {
                "preview_links-TOTAL_FORMS": "1",
                "preview_links-0-label": "Legal",
                "preview_links-0-expires_at_0": expires.date().isoformat(),
                "preview_links-0-expires_at_1": expires.strftime("%H:%M:%S"),
                "preview_links-0-article": str(article.pk),
            }
        )
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302
        link = article.preview_links.get()
        assert (link.label, link.expires_at, link.created_by) == ("Legal", expires, editor)
        assert f"http://testserver{link.get_absolute_url()}" in client.get(change_url(article)).content.decode()

        client.logout()
        assert "For the lawyer" in client.get(link.get_absolute_url()).content.decode()

        data = change_form_data(article)
        data["preview_links-0-revoke"] = "on"
        client.force_login(editor)
        assert client.post(change_url(article), data).status_code == 302
        client.logout()
        assert client.get(link.get_absolute_url()).status_code == 404

    def test_link_cannot_outlive_the_limit(self, client, editor, reporter, draft_by, change_form_data):
        article = draft_by(reporter)
        far = timezone.now() + timedelta(days=90)
        data = change_form_data(article)
        data.update(
            {
                "preview_links-TOTAL_FORMS": "1",
                "preview_links-0-expires_at_0": far.date().isoformat(),
                "preview_links-0-expires_at_1": "12:00:00",
                "preview_links-0-article": str(article.pk),
            }
        )
        client.force_login(editor)
        response = client.post(change_url(article), data)
        assert response.status_code == 200
        assert not PreviewLink.objects.exists()


class TestAuthorProfiles:
    def test_reporter_edits_own_profile_only(self, client, reporter, other_reporter):
        client.force_login(reporter)
        own = reverse("admin:authors_author_change", args=[reporter.author.pk])
        other = reverse("admin:authors_author_change", args=[other_reporter.author.pk])

        response = client.get(own)
        data = form_data(response)
        assert 'name="user"' not in response.content.decode()
        data["job_title"] = "Senior reporter"
        assert client.post(own, data).status_code == 302
        reporter.author.refresh_from_db()
        assert reporter.author.job_title == "Senior reporter"

        assert client.get(other).status_code == 200  # read-only
        assert client.post(other, data | {"name": "Hijacked"}).status_code == 403
        other_reporter.author.refresh_from_db()
        assert other_reporter.author.name == "Otto Other"

    def test_editor_edits_any_profile(self, client, editor, reporter):
        client.force_login(editor)
        url = reverse("admin:authors_author_change", args=[reporter.author.pk])
        response = client.get(url)
        assert 'name="user"' in response.content.decode()
        data = form_data(response) | {"job_title": "Chief reporter"}
        assert client.post(url, data).status_code == 302
