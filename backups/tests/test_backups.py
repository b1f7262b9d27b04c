import io
import json
import shutil
import tarfile
import threading
import time

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from articles import workflow
from articles.models import Article, PreviewLink
from backups import archive as backups
from comments.models import Comment
from editing.models import ArticlePresence, Autosave
from editing.revisions import record_revision
from pagecache.signals import pages_purged
from photos.models import Photo
from photos.tests.images import image_upload
from search import receivers as search_receivers
from search.backends import rebuild_index, search_articles

PASSWORD = "correct horse battery staple"  # UserFactory's
# Rows an archive leaves out on purpose; everything else must come back.
NOT_BACKED_UP = {"sessions.session", "editing.articlepresence"}
# Rows that point at content types by id, which a new database numbers its own way.
BY_CONTENT_TYPE = {"taggit.taggeditem", "admin.logentry"}
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "auth.group"}


def stored_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in NOT_BACKED_UP
    ]


def counts():
    return {model._meta.label_lower: model._base_manager.count() for model in stored_models()}


def rows():
    """Return every column of every row we own, by model; content type ids and search vectors aside."""
    return {
        model._meta.label_lower: list(
            model._base_manager.order_by("pk").values(
                *[field.attname for field in model._meta.concrete_fields if field.name != "search_vector"]
            )
        )
        for model in stored_models()
        if model._meta.label_lower not in BY_CONTENT_TYPE | MADE_BY_MIGRATE
    }


def media_files(root):
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    """Keep this test's media in a folder of its own, so emptying it touches no other test's files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def newsroom(media, make_user, make_organisation, make_author, make_photo, make_article, make_comment):
    """Build a small newsroom: both roles, a published story with everything a story carries, and its files."""
    editor = make_user(username="eddie", groups=["Editors"], first_name="Eddie")
    reporter = make_user(username="rita", groups=["Reporters"])
    tass = make_organisation(name="TASS", short_name="TASS", logo=image_upload("tass.png"))
    author = make_author(name="Mridha Shihab Mahmud", user=reporter, photo=image_upload("mridha.png"))
    photo = make_photo(photographer=author, source_organisation=tass)
    story = make_article(
        headline="Kim leaves Russia",
        slug="kim-leaves-russia",
        standfirst="Drones, a vest\u2028and “special clothing”: the gifts, line by line.",
        body="<p>Kim Jong Un ended a six-day visit with <strong>drones</strong> as a gift.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
        authors=[author],
        tags=["Russia", "North Korea"],
        sources=[tass],
        photo=photo,
        created_by=reporter,
    )
    record_revision(story, reporter, reason="Created")
    workflow.submit(story, reporter)
    workflow.send_back(story, editor, note="Name a second source.")
    workflow.submit(story, reporter)
    workflow.publish(story, editor)
    workflow.add_correction(story, editor, "The visit lasted six days, not five.")
    make_comment(article=story, status=Comment.Status.APPROVED, moderated_by=editor, moderated_at=timezone.now())
    PreviewLink.objects.create(article=make_article(status=Article.Status.DRAFT, published_at=None), label="Legal")
    Autosave.objects.create(article=story, user=editor, version=story.version, headline="Kim leaves Russia by train")
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(story.pk),
        object_repr=str(story),
        action_flag=CHANGE,
        change_message="Changed headline.",
    )
    return story


@pytest.fixture
def archive(newsroom, tmp_path):
    path = tmp_path / "backup" / "newsroom.tar.gz"
    path.parent.mkdir()
    call_command("backup", str(path), stdout=io.StringIO())
    return path


@pytest.fixture
def empty_newsroom(media):
    """Return a function that empties the database and the media, leaving what `migrate` makes, as on a new machine."""

    def empty(keep_media=False):
        # Flushing runs post_migrate: content types, permissions and the roles come back. With the
        # sequences kept, they get new ids, as in a database whose history differs from the archive's.
        call_command("flush", interactive=False, reset_sequences=False, verbosity=0)
        rebuild_index()  # SQLite's full-text table is not Django's to flush; a new database has none.
        if not keep_media:
            shutil.rmtree(media)
        assert not Article.objects.exists() and not get_user_model().objects.exists()

    yield empty
    # The next test gets the content types back under their old ids (serialized rollback).
    ContentType.objects.clear_cache()


def call_command_output(*args):
    output = io.StringIO()
    call_command(*args, stdout=output)
    return output.getvalue()


def restore(path):
    return call_command_output("restore", str(path))


@pytest.mark.django_db(transaction=True)
def test_a_newsroom_comes_back_whole(newsroom, media, tmp_path, empty_newsroom, monkeypatch):
    counts_before, rows_before, files_before = counts(), rows(), media_files(media)
    revisions_before = list(newsroom.revisions.order_by("pk").values_list("version", "reason", "data", "created_at"))
    rendition = Photo.objects.get().renditions.first()
    with rendition.file.open("rb") as file:
        rendition_bytes = file.read()
    article_type = ContentType.objects.get_for_model(Article).pk
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    empty_newsroom()
    assert ContentType.objects.get_for_model(Article).pk != article_type
    saves, purges, indexed = [], [], []
    monkeypatch.setattr(search_receivers, "index_articles", lambda articles: indexed.append(articles))
    post_save.connect(lambda **kwargs: saves.append(kwargs), weak=False, dispatch_uid="test-backups-saves")
    pages_purged.connect(lambda **kwargs: purges.append(kwargs), weak=False, dispatch_uid="test-backups-purges")
    try:
        output = restore(archive)
    finally:
        post_save.disconnect(dispatch_uid="test-backups-saves")
        pages_purged.disconnect(dispatch_uid="test-backups-purges")

    assert output.startswith(f"Restored {sum(counts_before.values())} rows and {len(files_before)} media files")
    assert counts() == counts_before
    # Every column, to the microsecond: versions, timestamps, password hashes, revisions' snapshots.
    assert rows() == rows_before
    story = Article.objects.get(slug="kim-leaves-russia")
    assert story.body == "<p>Kim Jong Un ended a six-day visit with <strong>drones</strong> as a gift.</p>"
    assert story.is_published() and story.transitions.count() == 4 and story.corrections.count() == 1
    # Loading fires post_save for every row: no receiver may record a revision for one, or purge
    # the page cache (and call the CDN) for each; the restore purges once, after the commit.
    assert [save["sender"] for save in saves if not save["raw"]] == []
    assert list(story.revisions.order_by("pk").values_list("version", "reason", "data", "created_at")) == (
        revisions_before
    )
    assert len(purges) == 1
    assert indexed == []  # The restore indexes every article at once, not row by row.
    assert sorted(story.tags.names()) == ["North Korea", "Russia"]
    assert LogEntry.objects.get().get_edited_object() == story
    assert {user.username: [group.name for group in user.groups.all()] for user in get_user_model().objects.all()} == {
        "eddie": ["Editors"],
        "rita": ["Reporters"],
    }
    assert authenticate(username="rita", password=PASSWORD).has_perm("articles.submit_article")
    assert authenticate(username="eddie", password=PASSWORD).has_perm("articles.publish_article")
    assert media_files(media) == files_before
    with Photo.objects.get().renditions.get(pk=rendition.pk).file.open("rb") as file:
        assert file.read() == rendition_bytes
    assert list(search_articles(Article.objects.published(), "drones")) == [story]
    # The newsroom carries on: new rows take ids after the restored ones.
    workflow.add_correction(story, get_user_model().objects.get(username="eddie"), "Six days, it was.")


@pytest.mark.django_db
def test_the_archive_holds_the_rows_and_every_file_and_no_derived_data(newsroom, media, client, tmp_path):
    # A session and an editor's presence on a change form, which stay out.
    client.force_login(newsroom.created_by)
    ArticlePresence.objects.create(article=newsroom, user=newsroom.created_by)
    assert Session.objects.exists()
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as members:
        names = members.getnames()
        manifest = json.load(members.extractfile("manifest.json"))
        data = [json.loads(line) for line in members.extractfile("data.jsonl")]

    assert names[0] == "data.jsonl" and names[-1] == "manifest.json"
    assert sorted(name.removeprefix("media/") for name in names[1:-1]) == sorted(media_files(media))
    photo, author = Photo.objects.get(), newsroom.bylines.get().author
    stored = {photo.image.name, author.photo.name, newsroom.sources.get().logo.name}
    stored |= {rendition.file.name for rendition in photo.renditions.all()}
    assert {name.removeprefix("media/") for name in manifest["files"]} - {"data.jsonl"} == stored
    assert manifest["counts"]["articles.article"] == 2 and manifest["counts"]["editing.revision"] == 5
    assert manifest["migrations"]["articles"][0] == "0001_initial"
    assert {row["model"] for row in data} >= {
        "auth.user",
        "articles.article",
        "photos.rendition",
        "articles.taggedarticle",
    }
    assert not {"sessions.session", "editing.articlepresence", "search.searchentry"} & {row["model"] for row in data}
    assert all("search_vector" not in row["fields"] for row in data if row["model"] == "articles.article")


@pytest.mark.django_db
def test_backup_names_the_media_files_it_could_not_find(newsroom, media, tmp_path):
    (media / Photo.objects.get().image.name).unlink()
    output, errors = io.StringIO(), io.StringIO()

    call_command("backup", str(tmp_path), stdout=output, stderr=errors)

    assert errors.getvalue().startswith("The storage lacks 1 of the media files the database refers to")
    (path,) = tmp_path.glob("newsroom-*.tar.gz")
    assert output.getvalue().startswith(f"Wrote {path}")
    assert "is whole" in call_command_output("restore", "--check", str(path))


@pytest.mark.django_db
def test_backup_will_not_overwrite_an_archive(archive):
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive))


def rewrite(path, change):
    """Rewrite the archive at `path`, passing each member's name and bytes through `change` (None drops it)."""
    with tarfile.open(path) as old:
        members = [(member, old.extractfile(member).read()) for member in old.getmembers()]
    with tarfile.open(path, "w:gz") as new:
        for member, content in members:
            if (content := change(member.name, content)) is not None:
                member.size = len(content)
                new.addfile(member, io.BytesIO(content))


def change_manifest(path, change):
    def changed(name, content):
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        change(manifest)
        return json.dumps(manifest).encode()

    rewrite(path, changed)


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def corrupt(path):
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))


def alter_a_rendition(path):
    def altered(name, content):
        return content[:-1] + b"!" if name.startswith("media/photos/renditions/") else content

    rewrite(path, altered)


def drop_the_manifest(path):
    rewrite(path, lambda name, content: None if name == "manifest.json" else content)


def from_a_newer_schema(path):
    change_manifest(path, lambda manifest: manifest["migrations"]["articles"].append("9999_from_the_future"))


def from_an_older_schema(path):
    change_manifest(path, lambda manifest: manifest["migrations"]["articles"].pop())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (truncate, r"is truncated"),
        (corrupt, r"is (truncated or )?corrupt|has a corrupt manifest"),  # Where the byte lands decides which.
        (alter_a_rendition, r"is corrupt: media/photos/renditions/.* does not match its checksum"),
        (drop_the_manifest, r"is truncated or corrupt: it has no manifest"),
        (from_a_newer_schema, r"comes from a newer schema: this database lacks 1 of its migrations"),
        (from_an_older_schema, r"comes from an older schema: this database has 1 migration\(s\) it lacks"),
    ],
)
def test_restore_refuses_a_damaged_or_foreign_archive_and_writes_nothing(
    archive, media, empty_newsroom, damage, message
):
    damage(archive)
    empty_newsroom()
    counts_before = counts()

    with pytest.raises(CommandError, match=message):
        restore(archive)

    assert counts() == counts_before
    assert not media.exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(archive, media):
    counts_before = counts()

    with pytest.raises(CommandError, match=r"The database is not empty \(it holds .*2 users, .*\): restore only into"):
        restore(archive)

    assert counts() == counts_before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_media_that_would_overwrite_files(archive, media, empty_newsroom):
    empty_newsroom(keep_media=True)
    files_before, counts_before = media_files(media), counts()

    with pytest.raises(CommandError, match=rf"{len(files_before)} of the archive's media files exist already"):
        restore(archive)

    assert counts() == counts_before
    assert media_files(media) == files_before


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_late_leaves_no_row_and_no_file(archive, media, empty_newsroom, monkeypatch):
    empty_newsroom()
    counts_before = counts()
    store_media = backups._store_media

    def store_then_fail(*args):
        store_media(*args)
        assert media_files(media)  # The files were stored before the failure.
        raise OSError("No space left on device")

    monkeypatch.setattr(backups, "_store_media", store_then_fail)

    with pytest.raises(OSError, match="No space left"):
        restore(archive)

    assert counts() == counts_before
    assert media_files(media) == {}


@pytest.mark.django_db
def test_restore_check_reads_the_whole_archive_and_writes_nothing(archive, media):
    counts_before = counts()

    output = call_command_output("restore", "--check", str(archive))

    assert output.startswith(f"{archive} is whole (made ")
    assert f"{sum(counts_before.values())} rows and {len(media_files(media))} media files" in output
    assert counts() == counts_before


def test_restore_names_an_archive_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.tar\.gz: No such file or directory\."):
        call_command("restore", "--check", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_editors_save_restores_to_one_consistent_moment(
    media, make_user, make_article, tmp_path, empty_newsroom
):
    """Each story comes back with the revision its last save recorded, whatever the editors did meanwhile."""
    stories = [make_article(headline=f"Story {n}") for n in range(4)]
    editor = make_user(username="eddie")
    stop, saves = threading.Event(), []

    def keep_saving(story_pk):
        try:
            while not stop.is_set():
                with transaction.atomic():  # As the admin saves: the story and its revision together.
                    story = Article.objects.get(pk=story_pk)
                    story.body = f"<p>Save {len(saves)} of story {story_pk} at {time.monotonic()}.</p>"
                    story.save()
                    record_revision(story, editor)
                saves.append(story_pk)
                # A breath between saves, as an editor takes: saving back to back, one
                # thread could hold SQLite's single writer lock until the other gave up.
                time.sleep(0.005)
        finally:
            connections.close_all()

    editors = [threading.Thread(target=keep_saving, args=(story.pk,)) for story in stories[:2]]
    for thread in editors:
        thread.start()
    try:
        # Both editors at work; an editor whose save failed has stopped, which must fail
        # the test rather than leave it waiting for ever.
        deadline = time.monotonic() + 30
        while len(saves) < 5 or len(set(saves)) < 2:
            assert all(thread.is_alive() for thread in editors), "an editor's save failed; see the thread's error"
            assert time.monotonic() < deadline, f"the editors did not both save within 30 s: {saves[-10:]}"
            time.sleep(0.01)
        path = tmp_path / "during-saves.tar.gz"
        call_command("backup", str(path), stdout=io.StringIO())
        saved_while_backing_up = len(saves)
        time.sleep(0.2)
    finally:
        stop.set()
        for thread in editors:
            thread.join(timeout=30)
    assert len(saves) > saved_while_backing_up  # The editors were not held up by the backup.

    empty_newsroom(keep_media=True)
    restore(path)

    edited = Article.objects.filter(headline__in=["Story 0", "Story 1"])
    assert edited.count() == 2
    for story in edited:
        latest = story.revisions.order_by("-version", "-pk").first()
        assert (latest.version, latest.data["body"]) == (story.version, story.body), story.headline


@pytest.mark.django_db(transaction=True)
def test_editors_save_while_a_backup_is_reading(make_article, make_user):
    """A backup reads one moment of the database without holding the editors' saves off until it ends."""
    story = make_article()
    saved = threading.Event()

    def save():
        try:
            with transaction.atomic():
                edited = Article.objects.get(pk=story.pk)
                edited.body = "<p>Saved during the backup.</p>"
                edited.save()
            saved.set()
        finally:
            connections.close_all()

    with backups.snapshot():
        before = Article.objects.get(pk=story.pk).body
        editor = threading.Thread(target=save)
        editor.start()
        assert saved.wait(timeout=5), "the save waited for the backup"
        # The backup still sees the moment it began.
        assert Article.objects.get(pk=story.pk).body == before
    editor.join()
    assert Article.objects.get(pk=story.pk).body == "<p>Saved during the backup.</p>"
