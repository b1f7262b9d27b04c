"""Revisions: what a snapshot holds, restoring without destroying, and readable diffs."""

import pytest

from articles.html import html_to_lines
from articles.models import Article, Byline
from editing.diffs import compare, diff_lines
from editing.models import Revision
from editing.revisions import record_revision, restore_revision, snapshot


@pytest.fixture
def story(make_article, make_author, make_organisation, make_section):
    jane, joe = make_author(name="Jane Doe"), make_author(name="Joe Bloggs")
    article = make_article(
        headline="Kim leaves Russia",
        standfirst="Drones as a gift.",
        body="<p>Kim Jong Un left.</p><p>He took drones.</p>",
        section=make_section(name="World", slug="world"),
        authors=[jane, joe],
        tags=["Russia", "North Korea"],
        sources=[make_organisation(name="TASS")],
    )
    Byline.objects.filter(article=article, author=joe).update(role="Additional reporting")
    return article


@pytest.mark.django_db
class TestRecordRevision:
    def test_snapshot_holds_text_placement_bylines_tags_and_sources(self, story, make_user):
        editor = make_user(username="editor")
        revision = record_revision(story, editor, reason="First draft")

        data = revision.data
        assert (revision.created_by, revision.reason, revision.version) == (editor, "First draft", story.version)
        assert data["headline"] == "Kim leaves Russia"
        assert data["body"] == "<p>Kim Jong Un left.</p><p>He took drones.</p>"
        assert data["section"]["name"] == "World"
        assert [(b["name"], b["role"]) for b in data["bylines"]] == [
            ("Jane Doe", ""),
            ("Joe Bloggs", "Additional reporting"),
        ]
        assert data["tags"] == ["North Korea", "Russia"]
        assert [s["name"] for s in data["sources"]] == ["TASS"]
        assert data["status"] == "published"

    def test_snapshot_reads_the_stored_relations_not_a_stale_prefetch(self, story, make_author):
        loaded = Article.objects.prefetch_related("bylines").get(pk=story.pk)
        list(loaded.bylines.all())
        Byline.objects.create(article=story, author=make_author(name="Late Addition"), position=5)
        assert "Late Addition" in [b["name"] for b in snapshot(loaded)["bylines"]]

    def test_unchanged_article_without_reason_adds_no_duplicate(self, story, make_user):
        first = record_revision(story, make_user())
        assert record_revision(story, make_user()) == first
        assert record_revision(story, None, reason="Checked") != first
        assert story.revisions.count() == 2

    def test_each_changed_save_adds_a_revision(self, story):
        record_revision(story)
        story.headline = "Kim is home"
        story.save()
        second = record_revision(story)
        assert second.version == 2
        assert [r.data["headline"] for r in story.revisions.all()] == ["Kim is home", "Kim leaves Russia"]


@pytest.mark.django_db
class TestRestore:
    def test_restore_brings_back_content_as_a_new_revision_and_destroys_nothing(
        self, story, make_user, make_author, make_organisation
    ):
        old = record_revision(story, make_user(username="reporter"))
        story.headline = "Rewritten headline"
        story.body = "<p>All new.</p>"
        story.save()
        story.tags.set(["Drones"])
        story.sources.set([make_organisation(name="KCNA")])
        story.bylines.all().delete()
        Byline.objects.create(article=story, author=make_author(name="Someone Else"), position=0)
        rewritten = record_revision(story, make_user(username="editor"))
        before = {r.pk: r.data for r in Revision.objects.all()}

        result = restore_revision(old, make_user(username="chief"))

        story.refresh_from_db()
        assert story.headline == "Kim leaves Russia"
        assert story.body == "<p>Kim Jong Un left.</p><p>He took drones.</p>"
        assert sorted(story.tags.names()) == ["North Korea", "Russia"]
        assert [o.name for o in story.sources.all()] == ["TASS"]
        assert [(b.author.name, b.role) for b in story.bylines.order_by("position")] == [
            ("Jane Doe", ""),
            ("Joe Bloggs", "Additional reporting"),
        ]
        assert result.notes == []
        assert result.revision.created_by.username == "chief"
        assert "Restored the revision of" in result.revision.reason
        assert result.revision.version == story.version == rewritten.version + 1
        # Every earlier revision is still there, unchanged.
        assert {r.pk: r.data for r in Revision.objects.exclude(pk=result.revision.pk)} == before

    def test_restore_keeps_slug_and_publication_state(self, story, make_user):
        old = record_revision(story)
        story.slug = "moved"
        story.status = Article.Status.DRAFT
        story.published_at = None
        story.save()
        restore_revision(old, make_user())
        story.refresh_from_db()
        assert (story.slug, story.status, story.published_at) == ("moved", Article.Status.DRAFT, None)

    def test_changes_no_revision_recorded_are_kept_before_restoring(self, story, make_user):
        old = record_revision(story)
        Article.objects.filter(pk=story.pk).update(headline="Changed by a script")

        restore_revision(old, make_user())

        headlines = [r.data["headline"] for r in story.revisions.all()]
        assert headlines == ["Kim leaves Russia", "Changed by a script", "Kim leaves Russia"]

    def test_deleted_authors_are_left_out_with_a_note(self, story, make_user, make_author):
        old = record_revision(story)
        joe = story.bylines.get(author__name="Joe Bloggs").author
        story.bylines.filter(author=joe).delete()
        joe.delete()
        result = restore_revision(old, make_user())
        assert [b.author.name for b in story.bylines.all()] == ["Jane Doe"]
        assert any("no longer exist" in note for note in result.notes)

    def test_missing_section_keeps_the_current_one(self, story, make_user, make_section):
        old = record_revision(story)
        world = story.section
        story.section = make_section(name="Asia", slug="asia")
        story.save()
        world.delete()
        result = restore_revision(old, make_user())
        story.refresh_from_db()
        assert story.section.name == "Asia"
        assert any("World" in note for note in result.notes)

    def test_photo_comes_back_while_it_is_in_the_library(self, story, make_user, make_photo):
        train = make_photo(alt_text="The train")
        story.photo = train
        story.save()
        old = record_revision(story)
        story.photo = None
        story.save()

        assert restore_revision(old, make_user()).notes == []
        story.refresh_from_db()
        assert story.photo == train
        assert old.data["photo"] == {"id": train.pk, "alt_text": "The train"}

    def test_photo_deleted_from_the_library_is_not_restored(self, story, make_user, make_photo):
        gone = make_photo()
        story.photo = gone
        story.save()
        old = record_revision(story)
        story.photo = None
        story.save()
        gone.delete()

        result = restore_revision(old, make_user())

        story.refresh_from_db()
        assert story.photo is None
        assert any("photo" in note for note in result.notes)


class TestDiff:
    def test_body_html_becomes_lines_of_text(self):
        html = '<h2>Title</h2><p>One <strong>two</strong> &amp; three.</p><ul><li>a</li><li>b</li></ul><p><a href="https://x.org/">link</a></p>'
        assert html_to_lines(html, with_links=True) == [
            "Title",
            "One two & three.",
            "• a",
            "• b",
            "link <https://x.org/>",
        ]

    def test_a_changed_photo_or_embed_in_the_body_shows_as_a_change(self):
        old = html_to_lines('<p>a</p><figure data-photo="12" data-caption="Harbour"></figure>', with_links=True)
        new = html_to_lines('<p>a</p><figure data-photo="13" data-caption="Harbour"></figure>', with_links=True)
        [changed] = [line for line in diff_lines(old, new) if line.kind != "equal"]
        assert changed.kind == "change"
        assert ("delete", "12") in changed.segments and ("insert", "13") in changed.segments

    def test_changed_words_are_marked_within_a_line(self):
        [line] = diff_lines(["Kim left Russia by train."], ["Kim left Russia by plane."])
        assert line.kind == "change"
        assert ("delete", "train") in line.segments
        assert ("insert", "plane") in line.segments
        assert "".join(text for op, text in line.segments if op != "insert") == "Kim left Russia by train."

    def test_unrelated_lines_are_removed_and_added_whole(self):
        kinds = [line.kind for line in diff_lines(["Completely different text"], ["Nothing alike here at all"])]
        assert kinds == ["delete", "insert"]

    def test_long_unchanged_runs_are_elided(self):
        old = [f"Paragraph {n}" for n in range(20)]
        new = old[:10] + ["Paragraph ten, rewritten entirely differently"] + old[11:]
        lines = diff_lines(old, new, context=1)
        assert [line.kind for line in lines] == ["skip", "equal", "delete", "insert", "equal", "skip"]
        assert (lines[0].skipped, lines[-1].skipped) == (9, 8)

    def test_compare_lists_only_changed_fields(self):
        old = {"headline": "A", "body": "<p>x</p>", "tags": ["a"]}
        new = {"headline": "A", "body": "<p>y</p>", "tags": ["a", "b"]}
        assert [diff.name for diff in compare(old, new)] == ["body", "tags"]
        assert compare(old, old) == []
