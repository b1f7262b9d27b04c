from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from articles import workflow
from articles.models import Article, ArticleTransition, Byline, Section
from authors.models import Affiliation, Author, Organisation
from demo.stories import read_data
from editing.models import Revision
from photos.models import Photo, Rendition

pytestmark = pytest.mark.django_db

KIM_HEADLINE = "North Korea’s Kim leaves Russia, given drones as gift"


@pytest.fixture(autouse=True)
def demo_env(settings, tmp_path, monkeypatch):
    """Keep the generated password file out of the real var/ and ignore a developer's variable."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("NEWSROOM_DEMO_PASSWORD", raising=False)
    return tmp_path


def load_demo(*args):
    """Run the command and return what it printed."""
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Article,
            ArticleTransition,
            Revision,
            Author,
            Organisation,
            Affiliation,
            Byline,
            Section,
            Tag,
            TaggedItem,
            Photo,
            Rendition,
        )
    } | {"users": get_user_model().objects.count()}


def kim_story():
    return Article.objects.get(headline=KIM_HEADLINE)


def history(article):
    """Return the article's transitions, oldest first, as (action, username, from, to, note, published_at)."""
    return [
        (t.action, t.user.username, t.from_status, t.to_status, t.note, t.published_at)
        for t in article.transitions.select_related("user").order_by("created_at", "pk")
    ]


def test_loads_the_real_story_published():
    load_demo("--no-samples")

    article = kim_story()
    assert article in Article.objects.published()
    assert article.published_at == datetime(2023, 9, 17, 12, 0, tzinfo=UTC)
    assert article.section.name == "World"
    assert article.dateline == "Vladivostok"
    assert article.standfirst
    assert set(article.tags.names()) >= {"North Korea", "Russia", "Kim Jong Un"}
    assert "Artyom-Primorsky-1" in article.body
    assert article.body.startswith("<p>Kim Jong Un, the leader of North Korea")
    assert "No Comments" not in article.body
    assert "Mridha" not in article.body
    assert not Article.objects.filter(slug__startswith="sample-story").exists()


def test_real_story_is_bylined_to_its_author_with_his_affiliations():
    load_demo("--no-samples")

    article = kim_story()
    (byline,) = article.bylines.all()
    author = byline.author
    assert (author.name, author.slug, byline.position) == ("Mridha Shihab Mahmud", "mridha-shihab-mahmud", 0)
    assert author.job_title == "Writer, content editor and photojournalist"
    assert author.bio.startswith("Mridha Shihab Mahmud is a writer")
    assert "Mymensingh Film & Photography Society" in author.bio
    assert "No Comments" not in author.bio
    assert [(a.role, a.organisation.name, a.organisation.kind, a.is_current) for a in author.affiliations.all()] == [
        ("Staff reporter", "News Hour", Organisation.Kind.PUBLISHER, True),
        ("Humanitarian worker", "Safety Assistance For Emergencies", Organisation.Kind.NGO, True),
        ("Chief respondent person", "Mymensingh Film & Photography Society", Organisation.Kind.SOCIETY, True),
    ]
    society = Organisation.objects.get(name="Mymensingh Film & Photography Society")
    assert (society.city, society.country) == ("Mymensingh", "Bangladesh")
    assert Organisation.objects.get(name="Safety Assistance For Emergencies").short_name == "SAFE"


def test_real_story_cites_exactly_its_agencies():
    load_demo("--no-samples")

    sources = kim_story().sources.all()
    assert sorted(org.short_name or org.name for org in sources) == ["KCNA", "Ria Novosti", "TASS"]
    assert {org.kind for org in sources} == {Organisation.Kind.NEWS_AGENCY}
    assert Organisation.objects.get(short_name="KCNA").name == "Korean Central News Agency"


def test_news_hour_becomes_the_publisher_unless_one_is_chosen():
    load_demo("--no-samples")
    news_hour = Organisation.objects.get(slug="news-hour")
    assert Organisation.objects.publisher() == news_hour
    # Its real policy pages are unknown, so none are invented.
    assert news_hour.policies == []

    Organisation.objects.filter(pk=news_hour.pk).update(is_publisher=False)
    chosen = Organisation.objects.get(slug="tass")
    chosen.is_publisher = True
    chosen.save()
    load_demo("--no-samples")
    assert list(Organisation.objects.filter(is_publisher=True)) == [chosen]


def test_sections_in_order():
    load_demo("--no-samples")

    assert list(Section.objects.values_list("name", flat=True)) == [
        "World",
        "Politics",
        "Business",
        "Science",
        "Culture",
        "Sport",
    ]


def test_samples_load_and_rerunning_changes_nothing():
    load_demo()
    counts = row_counts()
    load_demo()

    assert row_counts() == counts
    assert Article.objects.published().count() >= 60
    assert Article.objects.published().latest() == kim_story()
    samples = Article.objects.filter(slug__startswith="sample-story")
    assert all(a.body.startswith("<p><em>This is sample text generated for the demo.</em></p>") for a in samples)
    unpublished = samples.exclude(status=Article.Status.PUBLISHED)
    assert unpublished.count() == 3
    assert not unpublished.filter(published_at__isnull=False).exists()
    assert Byline.objects.filter(role="Additional reporting").exists()
    # Enough stories that the list of every story goes on to a second page.
    first_page = Client().get(reverse("articles:latest"))
    assert first_page.context["page_obj"].has_next()
    assert (
        Client()
        .get(reverse("articles:latest") + "?" + first_page.context["page_obj"].next_query.urlencode())
        .status_code
        == 200
    )

    # The reporter's pipeline: the unpublished stories are theirs, one sent back with a note.
    reporter = get_user_model().objects.get(username="reporter")
    assert set(Article.objects.owned_by(reporter).exclude(status=Article.Status.PUBLISHED)) == set(unpublished)
    returned = unpublished.with_return_note().filter(returned_note__gt="").get()
    assert returned.status == Article.Status.DRAFT
    assert "second source" in returned.returned_note


def test_sample_stories_share_one_marked_sample_photo_per_section(django_capture_on_commit_callbacks):
    # Committed, the photos are handed to the worker, which makes their renditions.
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()

    assert kim_story().photo is None  # No invented picture on a real story.
    photos = Photo.objects.all()
    assert photos.count() == 6
    for photo in photos:
        assert photo.credit == "Sample image generated for the demo"
        assert sorted(photo.renditions.values_list("format", "width")) == [
            ("jpeg", 480),
            ("jpeg", 960),
            ("jpeg", 1600),
            ("webp", 480),
            ("webp", 960),
            ("webp", 1600),
        ]
    samples = Article.objects.filter(slug__startswith="sample-story").select_related("section", "photo")
    assert not samples.filter(photo=None).exists()
    photos_by_section = {}
    for article in samples:
        photos_by_section.setdefault(article.section.slug, set()).add(article.photo_id)
        assert article.photo.alt_text.startswith(f"Sample illustration for {article.section.name}: ")
    assert sorted(len(ids) for ids in photos_by_section.values()) == [1] * 6
    assert len(set().union(*photos_by_section.values())) == 6


def test_rerunning_without_samples_changes_nothing():
    load_demo("--no-samples")
    counts = row_counts()
    load_demo("--no-samples")

    assert row_counts() == counts


@pytest.mark.parametrize("weak", ["newsroom", "Summer2026", "123456789012"])
def test_a_weak_password_from_the_environment_is_refused_with_the_reason(monkeypatch, weak):
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", weak)
    with pytest.raises(CommandError, match="NEWSROOM_DEMO_PASSWORD is too weak"):
        load_demo("--no-samples")
    assert not get_user_model().objects.filter(username="editor").exists()


def test_password_from_environment_is_set_on_both_users_every_run(monkeypatch):
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "first-demo-password")
    load_demo("--no-samples")
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "second-demo-password")
    out = load_demo("--no-samples")

    assert "/admin/" in out
    assert "second-demo-password" not in out
    editor = authenticate(username="editor", password="second-demo-password")
    reporter = authenticate(username="reporter", password="second-demo-password")
    assert editor is not None and reporter is not None
    assert editor.is_staff and not editor.is_superuser
    assert reporter.is_staff and not reporter.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(reporter.groups.values_list("name", flat=True)) == ["Reporters"]
    assert reporter.author.name == "Tom Okafor"
    assert not Author.objects.filter(user=editor).exists()


def test_generated_password_is_stored_printed_and_never_reset(demo_env):
    out = load_demo("--no-samples")

    password_file = demo_env / "demo-password"
    password = password_file.read_text().strip()
    assert password_file.stat().st_mode & 0o777 == 0o600
    assert password in out and "editor" in out and "reporter" in out and "/admin/" in out
    assert authenticate(username="editor", password=password) is not None
    assert authenticate(username="reporter", password=password) is not None

    assert password in load_demo("--no-samples")

    reporter = get_user_model().objects.get(username="reporter")
    reporter.set_password("chosen-by-the-reporter")
    reporter.save()
    out = load_demo("--no-samples")

    assert "unchanged" in out
    assert password_file.read_text().strip() == password
    assert authenticate(username="reporter", password="chosen-by-the-reporter") is not None
    assert authenticate(username="editor", password=password) is not None


# The demo's history comes from articles.workflow, never from the command itself.


def test_every_published_story_was_published_once_by_the_editor_as_of_its_own_time():
    load_demo()

    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    assert published.count() == 61
    for article in published:
        assert history(article) == [
            (ArticleTransition.Action.PUBLISH, "editor", "draft", "published", "", article.published_at)
        ]
        assert not article.was_updated
    assert history(kim_story())[0][-1] == datetime(2023, 9, 17, 12, 0, tzinfo=UTC)


def test_the_reporters_stories_were_submitted_by_the_reporter_and_one_sent_back_by_the_editor():
    load_demo()

    unpublished = Article.objects.exclude(status=Article.Status.PUBLISHED)
    submitted = ("submit", "reporter", "draft", "review", "", None)
    in_review = unpublished.get(status=Article.Status.REVIEW)
    assert history(in_review) == [submitted]
    sent_back, draft = sorted(unpublished.filter(status=Article.Status.DRAFT), key=lambda a: -a.transitions.count())
    note = read_data("sample-stories.json")["send_back_note"]
    assert history(sent_back) == [submitted, ("send_back", "editor", "review", "draft", note, None)]
    assert history(draft) == []


def test_every_transition_is_a_call_to_the_workflow(monkeypatch):
    calls = []

    def spy_on(name):
        function = getattr(workflow, name)

        def spy(article, user, *args, **kwargs):
            calls.append(name)
            return function(article, user, *args, **kwargs)

        return spy

    for name in ("submit", "send_back", "publish"):
        monkeypatch.setattr(workflow, name, spy_on(name))
    load_demo()

    assert Counter(calls) == {"publish": 61, "submit": 2, "send_back": 1}
    assert ArticleTransition.objects.count() == len(calls)


def test_rerunning_adds_no_history():
    def recorded():
        return (
            list(ArticleTransition.objects.order_by("pk").values_list("pk", "article", "action", "created_at")),
            list(Revision.objects.order_by("pk").values_list("pk", flat=True)),
        )

    load_demo()
    before = recorded()
    load_demo()

    assert recorded() == before
    assert len(before[0]) == 64


def test_rerunning_leaves_a_story_an_editor_has_since_unpublished_alone():
    load_demo("--no-samples")
    editor = get_user_model().objects.get(username="editor")
    workflow.unpublish(kim_story(), editor, note="Taken down while a fact is checked.")
    load_demo("--no-samples")

    article = kim_story()
    assert article.status == Article.Status.DRAFT
    assert [action for action, *_ in history(article)] == ["publish", "unpublish"]


def test_the_workflows_rules_bind_the_demo():
    Group.objects.get(name="Editors").permissions.remove(Permission.objects.get(codename="publish_article"))

    with pytest.raises(CommandError, match="'kim-leaves-russia' to published"):
        load_demo("--no-samples")
    assert not Article.objects.exists()
