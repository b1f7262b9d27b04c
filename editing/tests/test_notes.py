"""Notes staff leave on a story for each other: mentions, the newsdesk, and readers never seeing them."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article
from editing.models import Note, NoteReceipt
from editing.revisions import record_revision, restore_revision

pytestmark = pytest.mark.django_db


def note_url(article):
    return reverse("admin:articles_article_note_add", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def staff(make_user, make_author):
    """Return a function making a signed-in client of the given group, with an author profile."""

    def sign_in(username, group):
        user = make_user(username=username, first_name=username.title(), is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        make_author(user=user, name=username.title())
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def story(staff, make_article):
    rita = staff("rita", "Reporters")
    article = make_article(status=Article.Status.DRAFT, published_at=None, authors=[rita.user.author])
    article.created_by = rita.user
    article.save()
    return article, rita


def test_a_note_mentioning_a_colleague_waits_on_their_newsdesk_until_they_open_the_story(staff, story):
    article, rita = story
    eddie, sam = staff("eddie", "Editors"), staff("sam", "Editors")

    response = eddie.post(note_url(article), {"note-text": "@sam can you check the figures? Rita, see para 3."})

    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.author, note.article) == (eddie.user, article)
    receipts = {receipt.user.username: receipt.is_mention for receipt in NoteReceipt.objects.select_related("user")}
    assert receipts == {"sam": True, "rita": False}  # Mentioned, and the story's owner; not the writer.
    assert "can you check the figures?" in sam.get(reverse("admin:index")).content.decode()
    assert "can you check the figures?" in rita.get(reverse("admin:index")).content.decode()
    assert "can you check the figures?" not in eddie.get(reverse("admin:index")).content.decode()

    page = sam.get(change_url(article)).content.decode()

    assert "can you check the figures?" in page
    assert "can you check the figures?" not in sam.get(reverse("admin:index")).content.decode()
    assert "can you check the figures?" in rita.get(reverse("admin:index")).content.decode()


def test_notes_are_escaped_everywhere_they_appear(staff, story):
    article, rita = story
    eddie = staff("eddie", "Editors")
    eddie.post(note_url(article), {"note-text": "<script>alert(1)</script> @rita"})
    for page in (rita.get(reverse("admin:index")), rita.get(change_url(article))):
        html = page.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_readers_never_see_notes(client, staff, story):
    article, _rita = story
    staff("eddie", "Editors").post(note_url(article), {"note-text": "Legal says hold the name."})
    workflow.publish(article, Group.objects.get(name="Editors").user_set.first())
    article.refresh_from_db()
    assert article.is_published()
    assert "Legal says hold the name." not in client.get(article.get_absolute_url()).content.decode()


def test_notes_stay_through_the_workflow_and_a_restore(staff, story):
    article, rita = story
    eddie = staff("eddie", "Editors")
    record_revision(article, rita.user)
    first = article.revisions.get()
    eddie.post(note_url(article), {"note-text": "Before it went round the desk."})
    workflow.submit(article, rita.user)
    workflow.send_back(article, eddie.user, "Another source, please.")
    article.refresh_from_db()
    restore_revision(first, eddie.user)
    assert list(Note.objects.filter(article=article).values_list("text", flat=True)) == [
        "Before it went round the desk."
    ]


def test_an_empty_or_overlong_note_is_refused_with_the_text_kept(staff, story):
    article, rita = story
    assert rita.post(note_url(article), {"note-text": ""}).status_code == 400
    long_text = "Too long. " * 600
    response = rita.post(note_url(article), {"note-text": long_text})
    assert response.status_code == 400
    assert long_text.strip() in response.content.decode()
    assert not Note.objects.exists()


def test_only_staff_who_may_see_the_story_leave_notes(staff, story, make_user):
    article, rita = story
    outsider = Client()
    outsider.force_login(make_user(username="temp", is_staff=True))  # Staff, but no say over stories.
    assert outsider.post(note_url(article), {"note-text": "Not mine to note."}).status_code == 403
    assert Client().post(note_url(article), {"note-text": "Anonymous"}).status_code == 302  # To the sign-in page.
    assert rita.get(note_url(article)).status_code == 405
    assert not Note.objects.exists()


def test_the_newsdesk_lists_notes_in_one_query(staff, story, django_assert_num_queries):
    from editing.notes import add_note, notes_for

    article, rita = story
    eddie = staff("eddie", "Editors")
    for n in range(5):
        add_note(article, eddie.user, f"Note {n} for @rita")
    with django_assert_num_queries(1):
        notes = [(note.article.headline, note.author.username) for note in notes_for(rita.user)]
    assert len(notes) == 5
