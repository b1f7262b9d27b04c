"""The workflow's rules, called directly: who may move a story from which state to which."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleTransition, Correction

pytestmark = pytest.mark.django_db

Status = Article.Status
SOON = timedelta(hours=2)


def state_of(article):
    """Return what the database holds for the article's state, and how many transitions it has."""
    row = Article.objects.values("status", "published_at").get(pk=article.pk)
    return row["status"], row["published_at"], ArticleTransition.objects.filter(article=article).count()


def arguments_for(action):
    """Return valid arguments for a transition, so only the role or state can refuse it."""
    return {
        "note": "Needs a second source." if action in {"send_back", "unpublish"} else "",
        "published_at": timezone.now() + SOON if action == "schedule" else None,
    }


@pytest.fixture
def article_in(draft_by, reporter, make_article):
    """Create one of the reporter's articles in the given state."""

    def make(state):
        if state == "published":
            return make_article(authors=[reporter.author], created_by=reporter)
        if state == "scheduled":
            return make_article(authors=[reporter.author], created_by=reporter, published_at=timezone.now() + SOON)
        return draft_by(reporter, status=state)

    return make


# Every transition from every state, for each role, on the reporter's own article.
# "ok" happens; "forbidden" is TransitionNotPermitted (a 403); "invalid" is TransitionNotAllowed.
MATRIX = [
    # The reporter: only "Submit for review", and only while it is their draft.
    ("reporter", "draft", "submit", "ok"),
    *[
        ("reporter", "draft", action, "forbidden")
        for action in ["send_back", "publish", "schedule", "unpublish", "spike", "restore"]
    ],
    *[("reporter", "review", action, "forbidden") for action in workflow.TRANSITIONS],
    *[("reporter", "published", action, "forbidden") for action in workflow.TRANSITIONS],
    *[("reporter", "scheduled", action, "forbidden") for action in workflow.TRANSITIONS],
    *[("reporter", "spiked", action, "forbidden") for action in workflow.TRANSITIONS],
    # The editor: everything the state allows.
    ("editor", "draft", "submit", "ok"),
    ("editor", "draft", "send_back", "invalid"),
    ("editor", "draft", "publish", "ok"),
    ("editor", "draft", "schedule", "ok"),
    ("editor", "draft", "unpublish", "invalid"),
    ("editor", "draft", "spike", "ok"),
    ("editor", "draft", "restore", "invalid"),
    ("editor", "review", "submit", "invalid"),
    ("editor", "review", "send_back", "ok"),
    ("editor", "review", "publish", "ok"),
    ("editor", "review", "schedule", "ok"),
    ("editor", "review", "unpublish", "invalid"),
    ("editor", "review", "spike", "ok"),
    ("editor", "review", "restore", "invalid"),
    ("editor", "published", "submit", "invalid"),
    ("editor", "published", "send_back", "invalid"),
    ("editor", "published", "publish", "invalid"),
    ("editor", "published", "schedule", "invalid"),
    ("editor", "published", "unpublish", "ok"),
    ("editor", "published", "spike", "invalid"),
    ("editor", "published", "restore", "invalid"),
    ("editor", "scheduled", "publish", "ok"),
    ("editor", "scheduled", "schedule", "ok"),
    ("editor", "scheduled", "unpublish", "ok"),
    ("editor", "scheduled", "spike", "invalid"),
    ("editor", "spiked", "restore", "ok"),
    ("editor", "spiked", "submit", "invalid"),
    ("editor", "spiked", "publish", "invalid"),
]


@pytest.mark.parametrize(("role", "state", "action", "expected"), MATRIX)
def test_transition_matrix(request, article_in, role, state, action, expected):
    user = request.getfixturevalue(role)
    article = article_in(state)
    before = state_of(article)

    if expected == "ok":
        record = workflow.apply(action, article, user, **arguments_for(action))
        assert record.user == user
        assert record.action == action
        assert record.to_status == workflow.TRANSITIONS[action].target
        assert state_of(article)[0] == workflow.TRANSITIONS[action].target
        assert state_of(article)[2] == before[2] + 1
        return

    error = workflow.TransitionNotPermitted if expected == "forbidden" else workflow.TransitionNotAllowed
    with pytest.raises(error):
        workflow.apply(action, article, user, **arguments_for(action))
    assert state_of(article) == before


def test_reporter_cannot_submit_someone_elses_draft(draft_by, reporter, other_reporter):
    article = draft_by(other_reporter)
    with pytest.raises(workflow.TransitionNotPermitted):
        workflow.submit(article, reporter)
    assert state_of(article) == (Status.DRAFT, None, 0)


def test_byline_makes_a_reporter_an_owner(make_article, make_user, reporter):
    article = make_article(authors=[reporter.author], created_by=make_user(), status=Status.DRAFT, published_at=None)
    workflow.submit(article, reporter)
    assert state_of(article)[0] == Status.REVIEW


def test_user_without_a_role_may_do_nothing(draft_by, reporter, make_user):
    article = draft_by(reporter)
    with pytest.raises(workflow.TransitionNotPermitted):
        workflow.submit(article, make_user())


class TestTheRecord:
    def test_whole_path_is_recorded_in_order(self, draft_by, reporter, editor):
        article = draft_by(reporter)
        workflow.submit(article, reporter, note="Ready, I think.")
        workflow.send_back(article, editor, "Check the casualty figures.")
        workflow.submit(article, reporter)
        workflow.publish(article, editor)

        history = list(
            article.transitions.order_by("created_at", "pk").values_list(
                "action", "from_status", "to_status", "user__username", "note"
            )
        )
        assert history == [
            ("submit", "draft", "review", "rita", "Ready, I think."),
            ("send_back", "review", "draft", "eddie", "Check the casualty figures."),
            ("submit", "draft", "review", "rita", ""),
            ("publish", "review", "published", "eddie", ""),
        ]

    def test_send_back_needs_a_note(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW)
        with pytest.raises(workflow.TransitionNotAllowed) as error:
            workflow.send_back(article, editor, "   ")
        assert error.value.field == "note"
        assert "what to change" in str(error.value)
        assert state_of(article) == (Status.REVIEW, None, 0)

    def test_unpublish_needs_a_reason(self, make_article, editor):
        article = make_article()
        with pytest.raises(workflow.TransitionNotAllowed) as error:
            workflow.unpublish(article, editor, "")
        assert error.value.field == "note"
        assert article.is_published()


class TestPublicationTime:
    def test_publish_stamps_now(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW)
        before = timezone.now()
        workflow.publish(article, editor)
        article.refresh_from_db()
        assert before <= article.published_at <= timezone.now()
        assert article.is_published()

    def test_schedule_sets_a_future_time_and_the_story_appears_then(self, draft_by, reporter, editor, monkeypatch):
        article = draft_by(reporter, status=Status.REVIEW)
        when = timezone.now() + timedelta(minutes=1)
        record = workflow.schedule(article, editor, when)

        article.refresh_from_db()
        assert (article.status, article.published_at, record.published_at) == (Status.PUBLISHED, when, when)
        assert not article.is_published()
        assert not Article.objects.published().exists()
        assert list(Article.objects.upcoming()) == [article]

        later = when + timedelta(seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        assert article.is_published()
        assert list(Article.objects.published()) == [article]

    @pytest.mark.parametrize("offset", [timedelta(0), -timedelta(minutes=5)])
    def test_schedule_refuses_a_time_not_in_the_future(self, draft_by, reporter, editor, offset):
        article = draft_by(reporter, status=Status.REVIEW)
        with pytest.raises(workflow.TransitionNotAllowed) as error:
            workflow.schedule(article, editor, timezone.now() + offset)
        assert error.value.field == "published_at"
        assert state_of(article) == (Status.REVIEW, None, 0)

    def test_schedule_needs_a_time(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW)
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.schedule(article, editor, None)

    def test_publish_as_of_a_past_time_keeps_that_time(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW)
        ran_elsewhere = timezone.now() - timedelta(days=400)
        record = workflow.publish(article, editor, published_at=ran_elsewhere)
        assert state_of(article) == (Status.PUBLISHED, ran_elsewhere, 1)
        assert record.published_at == ran_elsewhere
        assert article.is_published()

    def test_publish_refuses_a_time_to_come(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW)
        with pytest.raises(workflow.TransitionNotAllowed) as error:
            workflow.publish(article, editor, published_at=timezone.now() + SOON)
        assert error.value.field == "published_at"
        assert state_of(article) == (Status.REVIEW, None, 0)

    def test_publishing_a_scheduled_story_brings_it_forward(self, make_article, editor):
        article = make_article(published_at=timezone.now() + SOON)
        workflow.publish(article, editor)
        article.refresh_from_db()
        assert article.published_at <= timezone.now()
        assert article.is_published()

    def test_unpublishing_a_scheduled_story_clears_its_time(self, make_article, editor):
        article = make_article(published_at=timezone.now() + SOON)
        workflow.unpublish(article, editor, "Holding it for now.")
        assert state_of(article)[:2] == (Status.DRAFT, None)

    def test_republishing_keeps_the_first_date_and_address(self, make_article, editor):
        first = timezone.now() - timedelta(days=2)
        article = make_article(published_at=first)
        url = article.get_absolute_url()
        workflow.unpublish(article, editor, "Legal asked us to hold it.")
        assert state_of(article)[:2] == (Status.DRAFT, first)
        assert not Article.objects.published().exists()

        workflow.publish(article, editor)
        article.refresh_from_db()
        assert (article.published_at, article.get_absolute_url()) == (first, url)
        assert article.was_updated


class TestEmbargo:
    def test_cannot_publish_before_the_embargo_lifts(self, draft_by, reporter, editor, make_organisation):
        tass = make_organisation(name="TASS")
        lifts = timezone.now() + SOON
        article = draft_by(reporter, status=Status.REVIEW, embargo_lifts_at=lifts, embargoed_by=tass)

        with pytest.raises(workflow.TransitionNotAllowed) as error:
            workflow.publish(article, editor)
        assert "embargoed by TASS" in str(error.value)
        assert state_of(article) == (Status.REVIEW, None, 0)

        with pytest.raises(workflow.TransitionNotAllowed) as error:
            workflow.schedule(article, editor, lifts - timedelta(minutes=1))
        assert error.value.field == "published_at"
        assert state_of(article) == (Status.REVIEW, None, 0)

        workflow.schedule(article, editor, lifts)
        assert state_of(article)[:2] == (Status.PUBLISHED, lifts)

    def test_publish_is_not_offered_under_embargo_but_schedule_is(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW, embargo_lifts_at=timezone.now() + SOON)
        actions = [transition.action for transition in workflow.available_transitions(editor, article)]
        assert actions == ["send_back", "schedule", "spike"]

    def test_lifted_embargo_does_not_stop_publishing(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW, embargo_lifts_at=timezone.now() - timedelta(minutes=1))
        workflow.publish(article, editor)
        assert Article.objects.published().get() == article


class TestExpiry:
    def test_cannot_publish_expired_copy(self, draft_by, reporter, editor):
        article = draft_by(reporter, status=Status.REVIEW, expires_at=timezone.now() - timedelta(minutes=1))
        with pytest.raises(workflow.TransitionNotAllowed) as error:
            workflow.publish(article, editor)
        assert "usage rights" in str(error.value)

    def test_cannot_schedule_at_or_after_expiry(self, draft_by, reporter, editor):
        expires = timezone.now() + SOON
        article = draft_by(reporter, status=Status.REVIEW, expires_at=expires)
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.schedule(article, editor, expires)
        workflow.schedule(article, editor, expires - timedelta(minutes=1))
        assert state_of(article)[0] == Status.PUBLISHED


class TestAvailableTransitions:
    @pytest.mark.parametrize(
        ("role", "state", "labels"),
        [
            ("reporter", "draft", ["Submit for review"]),
            ("reporter", "review", []),
            ("reporter", "published", []),
            ("editor", "draft", ["Submit for review", "Publish", "Schedule", "Spike"]),
            ("editor", "review", ["Send back", "Publish", "Schedule", "Spike"]),
            ("editor", "published", ["Unpublish"]),
            ("editor", "scheduled", ["Publish", "Schedule", "Unpublish"]),
            ("editor", "spiked", ["Restore"]),
        ],
    )
    def test_buttons_per_role_and_state(self, request, article_in, role, state, labels):
        article = article_in(state)
        user = request.getfixturevalue(role)
        assert [str(t.label) for t in workflow.available_transitions(user, article)] == labels

    def test_none_on_someone_elses_draft(self, draft_by, reporter, other_reporter):
        assert workflow.available_transitions(reporter, draft_by(other_reporter)) == []


class TestEditingAndDeleting:
    def test_reporter_edits_own_draft_only(self, draft_by, reporter, other_reporter):
        own = draft_by(reporter)
        assert workflow.can_edit(reporter, own)
        assert not workflow.can_edit(reporter, draft_by(other_reporter))
        own.status = Status.REVIEW
        assert not workflow.can_edit(reporter, own)

    def test_editor_edits_everything(self, make_article, editor):
        assert workflow.can_edit(editor, make_article())

    def test_reporter_deletes_only_own_never_published_drafts(self, draft_by, make_article, reporter, editor):
        assert workflow.can_delete(reporter, draft_by(reporter))
        assert not workflow.can_delete(reporter, make_article(authors=[reporter.author], created_by=reporter))
        unpublished = make_article(authors=[reporter.author], created_by=reporter)
        workflow.unpublish(unpublished, editor, "Wrong story.")
        assert not workflow.can_delete(reporter, unpublished)
        assert workflow.can_delete(editor, make_article())


class TestCorrections:
    def test_editor_adds_correction_and_story_is_updated(self, make_article, editor):
        article = make_article(published_at=timezone.now() - timedelta(days=1))
        Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
        article.refresh_from_db()
        assert not article.was_updated

        correction = workflow.add_correction(article, editor, "An earlier version misspelt the minister's name.")

        article.refresh_from_db()
        assert correction.kind == Correction.Kind.CORRECTION
        assert correction.created_by == editor
        assert article.updated_at == correction.created_at
        assert article.was_updated

    def test_reporter_may_not_add_corrections(self, make_article, reporter):
        article = make_article(authors=[reporter.author], created_by=reporter)
        with pytest.raises(workflow.TransitionNotPermitted):
            workflow.add_correction(article, reporter, "x")
        assert not Correction.objects.exists()

    def test_drafts_carry_no_corrections(self, draft_by, reporter, editor):
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.add_correction(draft_by(reporter), editor, "x")

    def test_corrections_are_listed_newest_first_on_public_stories_only(self, make_article, editor):
        story = make_article()
        older = workflow.add_correction(story, editor, "First.")
        newer = workflow.add_correction(story, editor, "Second.", kind=Correction.Kind.UPDATE)
        hidden = make_article()
        workflow.add_correction(hidden, editor, "On a story later taken down.")
        workflow.unpublish(hidden, editor, "Legal.")

        assert list(Correction.objects.public()) == [newer, older]
        assert list(story.corrections.all()) == [newer, older]


def test_roles_carry_the_workflow_permissions():
    """The data migration gives each role what the workflow asks of it, on every fresh database."""
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    reporters = set(Group.objects.get(name="Reporters").permissions.values_list("codename", flat=True))
    workflow_codenames = {
        "submit_article",
        "publish_article",
        "send_back_article",
        "spike_article",
        "change_any_article",
    }
    assert workflow_codenames | {"add_correction", "add_previewlink", "change_any_author"} <= editors
    assert "submit_article" in reporters
    assert reporters.isdisjoint(workflow_codenames - {"submit_article"})
    assert reporters.isdisjoint({"add_correction", "add_previewlink", "change_any_author"})
