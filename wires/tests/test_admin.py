"""The ingest dashboard, taking a wire draft into a story, and applying a waiting update."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editing.models import Revision
from wires.ingest import ingest_location
from wires.models import IngestedItem

from .conftest import DATA

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:wires_dashboard")


@pytest.fixture
def ingested(make_source):
    source = make_source()
    ingest_location(str(DATA / "newsml-tass-kim.xml"), source)
    return source


def kim():
    return IngestedItem.objects.select_related("article").get(uri__endswith="kim-leaves-russia")


@pytest.mark.parametrize("role", ["editor", "reporter"])
def test_editors_and_reporters_see_the_dashboard(client, ingested, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "North Korea&#x27;s Kim leaves Russia" in page and "Anna Petrova" in page
    assert "Take into a story" in page


def test_others_may_not_see_the_dashboard(client, make_user, ingested):
    assert client.get(DASHBOARD).status_code == 302  # To the sign-in page.
    client.force_login(make_user(username="nobody"))
    assert client.get(DASHBOARD).status_code == 403


def test_the_dashboard_shows_withdrawals_waiting_updates_and_errors(client, editor, ingested, tmp_path):
    ingest_location(str(DATA / "newsml-kim-kill.xml"), ingested)
    (tmp_path / "bad.json").write_text('{"uri": "urn:bad", "type": "text"}')
    ingest_location(str(tmp_path / "bad.json"), ingested)
    client.force_login(editor)
    page = client.get(DASHBOARD).content.decode()
    assert "Withdrawn by the agency" in page and "KILL: the story is withdrawn" in page
    assert "the item has no headline" in page


def test_the_newsdesk_links_to_the_dashboard(client, editor, ingested):
    ingest_location(str(DATA / "newsml-kim-kill.xml"), ingested)
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert DASHBOARD in page and "1 withdrawn by agencies" in page


def test_a_reporter_takes_a_wire_draft_into_a_story(client, reporter, ingested):
    client.force_login(reporter)
    record = kim()
    response = client.post(reverse("admin:wires_ingesteditem_take", args=[record.pk]))
    assert response.url == reverse("admin:articles_article_change", args=[record.article_id])
    record.refresh_from_db()
    assert record.taken_by == reporter and record.article.created_by == reporter
    # Theirs now: it opens for them, as their own draft.
    assert client.get(response.url).status_code == 200


def test_a_draft_someone_took_is_not_taken_again(client, reporter, other_reporter, editor, ingested):
    record = kim()
    client.force_login(reporter)
    client.post(reverse("admin:wires_ingesteditem_take", args=[record.pk]))
    client.force_login(other_reporter)
    response = client.post(reverse("admin:wires_ingesteditem_take", args=[record.pk]), follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD and "already someone else" in response.content.decode()
    assert Article.objects.get(pk=record.article_id).created_by == reporter
    # An editor may open it all the same.
    client.force_login(editor)
    response = client.post(reverse("admin:wires_ingesteditem_take", args=[record.pk]))
    assert response.url == reverse("admin:articles_article_change", args=[record.article_id])


def test_taking_needs_a_post_and_a_role_that_writes(client, make_user, ingested):
    record = kim()
    client.force_login(make_user(username="viewer"))
    assert client.post(reverse("admin:wires_ingesteditem_take", args=[record.pk])).status_code == 403
    assert Article.objects.get(pk=record.article_id).created_by is None


def test_an_editor_applies_a_waiting_update_to_a_published_story(client, editor, ingested):
    Article.objects.filter(wire_item__uri__endswith="kim-leaves-russia").update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), embargo_lifts_at=None, embargoed_by=None
    )
    ingest_location(str(DATA / "newsml-kim-update.xml"), ingested)
    record = kim()
    assert record.pending_version == "2"
    client.force_login(editor)
    response = client.post(
        reverse("admin:wires_ingesteditem_changelist"),
        {"action": "apply_pending_updates", "_selected_action": [record.pk]},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.article.headline.startswith("UPDATE 1") and record.article.is_published()
    assert (record.version, record.pending_version) == ("2", "")
    assert Revision.objects.filter(article=record.article, created_by=editor).exists()


def test_a_reporter_cannot_apply_a_waiting_update(client, reporter, ingested):
    Article.objects.filter(wire_item__uri__endswith="kim-leaves-russia").update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), embargo_lifts_at=None, embargoed_by=None
    )
    ingest_location(str(DATA / "newsml-kim-update.xml"), ingested)
    record = kim()
    client.force_login(reporter)
    client.post(
        reverse("admin:wires_ingesteditem_changelist"),
        {"action": "apply_pending_updates", "_selected_action": [record.pk]},
    )
    record.refresh_from_db()
    assert record.pending_version == "2" and not record.article.headline.startswith("UPDATE")


def test_editors_configure_wire_sources(client, editor, reporter, ingested):
    client.force_login(editor)
    assert client.get(reverse("admin:wires_wiresource_change", args=[ingested.pk])).status_code == 200
    client.force_login(reporter)
    assert client.get(reverse("admin:wires_wiresource_change", args=[ingested.pk])).status_code == 403


def test_the_admin_index_lists_wire_ingest_for_those_who_may_use_it(client, editor, reporter, make_user):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:wires_wiresource_changelist") in page
    client.force_login(reporter)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:wires_ingesteditem_changelist") in page
    assert reverse("admin:wires_wiresource_changelist") not in page
    client.force_login(make_user(username="nobody"))
    assert reverse("admin:wires_ingesteditem_changelist") not in client.get(reverse("admin:index")).content.decode()


def test_the_ingest_record_shows_the_waiting_update_read_only(client, editor, ingested):
    Article.objects.filter(wire_item__uri__endswith="kim-leaves-russia").update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), embargo_lifts_at=None, embargoed_by=None
    )
    ingest_location(str(DATA / "newsml-kim-update.xml"), ingested)
    client.force_login(editor)
    response = client.get(reverse("admin:wires_ingesteditem_change", args=[kim().pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "UPDATE 1-North Korea" in page and 'name="_save"' not in page
    assert "<p>VLADIVOSTOK (EWA) - Kim Jong Un left Russia on Sunday after a six-day visit.</p>" in page
