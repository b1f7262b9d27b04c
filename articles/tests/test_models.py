from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from articles import workflow
from articles.html import sanitise_html
from articles.models import NOT_LOADED, Article, Byline


@pytest.mark.django_db
class TestPublishedRule:
    def test_published_includes_only_live_articles(self, make_article):
        live = make_article()
        make_article(status=Article.Status.DRAFT, published_at=None)
        make_article(status=Article.Status.REVIEW, published_at=None)
        make_article(published_at=timezone.now() + timedelta(minutes=5))

        assert list(Article.objects.published()) == [live]

    def test_scheduled_article_appears_when_its_time_comes(self, make_article, monkeypatch):
        scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
        assert not scheduled.is_published()
        assert not Article.objects.published().exists()

        later = timezone.now() + timedelta(hours=2)
        monkeypatch.setattr(timezone, "now", lambda: later)

        assert scheduled.is_published()
        assert list(Article.objects.published()) == [scheduled]

    @pytest.mark.parametrize(
        ("status", "offset", "embargo", "expiry", "expected"),
        [
            (Article.Status.PUBLISHED, -60, None, None, True),
            (Article.Status.PUBLISHED, 60, None, None, False),
            (Article.Status.REVIEW, -60, None, None, False),
            (Article.Status.DRAFT, -60, None, None, False),
            (Article.Status.SPIKED, -60, None, None, False),
            (Article.Status.PUBLISHED, -60, 60, None, False),
            (Article.Status.PUBLISHED, -60, -30, None, True),
            (Article.Status.PUBLISHED, -60, None, -30, False),
            (Article.Status.PUBLISHED, -60, None, 60, True),
            (Article.Status.PUBLISHED, -60, -30, 60, True),
        ],
        ids=[
            "published",
            "scheduled",
            "review",
            "draft",
            "spiked",
            "under-embargo",
            "embargo-lifted",
            "expired",
            "not-yet-expired",
            "between-embargo-and-expiry",
        ],
    )
    def test_is_published_agrees_with_queryset(self, make_article, status, offset, embargo, expiry, expected):
        now = timezone.now()
        article = make_article(
            status=status,
            published_at=now + timedelta(seconds=offset),
            embargo_lifts_at=None if embargo is None else now + timedelta(seconds=embargo),
            expires_at=None if expiry is None else now + timedelta(seconds=expiry),
        )
        assert article.is_published() is expected
        assert Article.objects.published().filter(pk=article.pk).exists() is expected

    def test_published_story_appears_when_its_embargo_lifts_and_leaves_when_it_expires(
        self, make_article, make_organisation, monkeypatch
    ):
        start = timezone.now()
        article = make_article(
            published_at=start - timedelta(hours=1),
            embargo_lifts_at=start + timedelta(hours=1),
            embargoed_by=make_organisation(name="Reuters"),
            expires_at=start + timedelta(days=1),
        )
        timeline = [(start, False), (start + timedelta(hours=2), True), (start + timedelta(days=2), False)]
        for moment, visible in timeline:
            monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
            assert article.is_published() is visible
            assert Article.objects.published().filter(pk=article.pk).exists() is visible
            assert Article.objects.upcoming().filter(pk=article.pk).exists() is (moment < article.embargo_lifts_at)

    def test_author_reverse_relation_has_published(self, make_article, make_author):
        author = make_author()
        live = make_article(authors=[author])
        make_article(authors=[author], status=Article.Status.DRAFT, published_at=None)

        assert list(author.articles.published()) == [live]


@pytest.mark.django_db
class TestArticleInvariants:
    def test_saving_does_not_publish_behind_the_workflows_back(self, make_article):
        """Stamping the publication time is the workflow's job (workflow.publish), not save()'s."""
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        article.status = Article.Status.PUBLISHED
        with pytest.raises(IntegrityError):
            article.save()

    def test_database_refuses_published_article_without_date(self, make_article):
        article = make_article()
        with pytest.raises(IntegrityError):
            Article.objects.filter(pk=article.pk).update(published_at=None)

    def test_database_refuses_embargo_organisation_without_time(self, make_article, make_organisation):
        article = make_article()
        with pytest.raises(IntegrityError):
            Article.objects.filter(pk=article.pk).update(embargoed_by=make_organisation())

    def test_embargo_and_expiry_are_checked_together(self, make_article, make_organisation):
        now = timezone.now()
        article = make_article(embargo_lifts_at=now + timedelta(days=1), expires_at=now)
        article.embargoed_by = make_organisation()
        article.embargo_lifts_at = None
        with pytest.raises(ValidationError) as error:
            article.clean()
        assert "embargo_lifts_at" in error.value.message_dict
        article.embargo_lifts_at = now + timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            article.clean()
        assert "expires_at" in error.value.message_dict

    def test_body_is_sanitised_on_save(self, make_article):
        article = make_article(
            body='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x()">x</a></p>'
        )
        article.refresh_from_db()
        assert "script" not in article.body
        assert "onclick" not in article.body
        assert "javascript" not in article.body
        assert article.body.startswith("<p>Hi")

    def test_absolute_url_uses_publication_date(self, make_article):
        article = make_article(slug="a-story", published_at=timezone.make_aware(timezone.datetime(2023, 9, 17, 12)))
        assert article.get_absolute_url() == "/2023/09/17/a-story/"

    def test_unpublished_article_links_to_preview(self, make_article):
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        assert article.get_absolute_url() == f"/preview/{article.pk}/"

    def test_taken_down_article_links_to_preview(self, make_article):
        article = make_article(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=1))
        assert article.get_absolute_url() == f"/preview/{article.pk}/"


# The hostile corpus: articles/tests/test_body.py runs it inside every body block too.
DANGEROUS_MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<p style="position:fixed">x</p>',
    "<style>body{display:none}</style>",
]


@pytest.mark.django_db
class TestStoredValues:
    """What a save compares with: the fields as loaded, read later, or last saved."""

    def test_a_loaded_story_knows_its_stored_values_and_a_new_one_none(self, make_article):
        article = make_article(headline="As loaded")
        loaded = Article.objects.defer("body").get(pk=article.pk)
        assert loaded.stored_value("headline") == "As loaded"
        assert loaded.stored_value("body") is NOT_LOADED
        assert not Article(headline="Not saved").has_stored_values()

    def test_a_field_read_later_counts_as_stored(self, make_article):
        article = make_article(body="<p>Read later.</p>")
        loaded = Article.objects.defer("body").get(pk=article.pk)
        assert loaded.body == "<p>Read later.</p>"
        assert loaded.stored_value("body") == "<p>Read later.</p>"

    def test_a_save_stores_what_it_wrote_and_only_that(self, make_article):
        article = Article.objects.get(pk=make_article(headline="Before", standfirst="Before").pk)
        article.headline, article.standfirst = "After", "Typed, not saved"
        article.save(update_fields=["headline"])
        assert article.stored_value("headline") == "After"
        assert article.stored_value("standfirst") == "Before"


class TestSanitiser:
    def test_keeps_editorial_markup(self):
        html = '<h2>Head</h2><p><strong>b</strong> <em>i</em> <a href="https://example.org" title="t">l</a></p><ul><li>x</li></ul><blockquote>q</blockquote>'
        cleaned = sanitise_html(html)
        for fragment in [
            "<h2>Head</h2>",
            "<strong>b</strong>",
            "<em>i</em>",
            'href="https://example.org"',
            "<li>x</li>",
            "<blockquote>q</blockquote>",
        ]:
            assert fragment in cleaned

    def test_links_get_safe_rel(self):
        assert 'rel="noopener noreferrer"' in sanitise_html('<a href="https://example.org">x</a>')

    @pytest.mark.parametrize("dangerous", DANGEROUS_MARKUP)
    def test_removes_dangerous_markup(self, dangerous):
        cleaned = sanitise_html(dangerous)
        for word in ["script", "onerror", "iframe", "javascript", "style", "<img"]:
            assert word not in cleaned

    def test_empty_editor_document_is_empty(self):
        assert sanitise_html("<p></p>") == ""
        assert sanitise_html(None) == ""


@pytest.mark.django_db
class TestPublicationDateOnLinks:
    """
    Bylines, citations and tags keep a copy of their article's publication date, which
    author, organisation and topic lists walk.
    """

    def dates(self, article):
        links = [*Byline.objects.filter(article=article), *article.citations.all(), *article.tagged_items.all()]
        return {link.published_at for link in links}

    def test_links_made_with_the_article_take_its_date(self, make_article, make_author, make_organisation):
        article = make_article(
            authors=[make_author(), make_author()], tags=["Drones", "Trade"], sources=[make_organisation()]
        )
        assert article.citations.count() == 1
        assert self.dates(article) == {article.published_at}

    def test_a_source_added_later_takes_the_date(self, make_article, make_organisation):
        article = make_article(sources=[])
        article.sources.add(make_organisation())
        article.sources.set([make_organisation(), make_organisation()])
        assert article.citations.count() == 2
        assert self.dates(article) == {article.published_at}

    def test_a_new_date_reaches_the_links_through_save_update_and_the_workflow(
        self, make_article, make_user, make_organisation
    ):
        article = make_article(
            tags=["Drones"], sources=[make_organisation()], published_at=timezone.now() - timedelta(days=3)
        )
        article.published_at = timezone.now() - timedelta(days=2)
        article.save()
        assert self.dates(article) == {article.published_at}

        moved = timezone.now() - timedelta(days=1)
        Article.objects.filter(pk=article.pk).update(published_at=moved)
        assert self.dates(article) == {moved}

        editor = make_user(username="eddie", groups=["Editors"])
        article.refresh_from_db()
        workflow.unpublish(article, editor, note="Legal hold.")
        workflow.publish(article, editor)
        assert self.dates(article) == {Article.objects.get(pk=article.pk).published_at}

    def test_a_draft_has_undated_links_and_is_on_no_list(self, make_article, client):
        draft = make_article(tags=["Drones"], status=Article.Status.DRAFT, published_at=None)
        assert self.dates(draft) == {None}
        assert list(Article.objects.listed_under("tagged_items", tag=draft.tags.get())) == []

    def test_links_created_in_bulk_take_their_articles_date(self, make_article, make_author):
        article = make_article(authors=[])
        Byline.objects.bulk_create([Byline(article=article, author=make_author())])
        assert self.dates(article) == {article.published_at}
