from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.tests.factories import unpublished_states
from comments.models import TEXT_MAX_LENGTH, Comment


@pytest.mark.django_db
class TestCommentQuerySet:
    def test_approved_returns_only_approved_oldest_first(self, make_comment, make_article):
        article = make_article()
        now = timezone.now()
        newer = make_comment(article=article, status=Comment.Status.APPROVED, created_at=now - timedelta(minutes=1))
        older = make_comment(article=article, status=Comment.Status.APPROVED, created_at=now - timedelta(days=1))
        for status in [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM]:
            make_comment(article=article, status=status)

        assert list(article.comments.approved()) == [older, newer]

    def test_moderate_stamps_who_and_when(self, make_comment, make_user):
        editor = make_user()
        pending, other = make_comment(), make_comment()

        assert Comment.objects.filter(pk=pending.pk).moderate(Comment.Status.SPAM, editor) == 1

        pending.refresh_from_db()
        other.refresh_from_db()
        assert pending.status == Comment.Status.SPAM
        assert pending.moderated_by == editor
        assert timezone.now() - pending.moderated_at < timedelta(seconds=5)
        assert (other.status, other.moderated_by, other.moderated_at) == (Comment.Status.PENDING, None, None)

    def test_forget_addresses_blanks_only_old_comments(self, make_comment):
        old = make_comment(created_at=timezone.now() - timedelta(days=31), user_agent="Firefox")
        recent = make_comment(created_at=timezone.now() - timedelta(days=29), user_agent="Firefox")

        assert Comment.objects.forget_addresses(older_than_days=30) == 1

        old.refresh_from_db()
        recent.refresh_from_db()
        assert (old.ip_address, old.user_agent) == (None, "")
        assert (recent.ip_address, recent.user_agent) == ("192.0.2.1", "Firefox")
        assert Comment.objects.forget_addresses(older_than_days=30) == 0


@pytest.mark.django_db
class TestCommentLimits:
    def test_model_validation_refuses_text_over_the_limit(self, make_article):
        comment = Comment(article=make_article(), name="A", email="a@example.net", text="x" * (TEXT_MAX_LENGTH + 1))
        with pytest.raises(ValidationError) as error:
            comment.full_clean()
        assert "text" in error.value.message_dict

    def test_database_refuses_text_over_the_limit(self, make_article):
        article = make_article()
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(article=article, name="A", email="a@example.net", text="x" * (TEXT_MAX_LENGTH + 1))

    def test_database_refuses_empty_text(self, make_article):
        article = make_article()
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(article=article, name="A", email="a@example.net", text="")

    def test_comments_go_with_their_article(self, make_comment):
        comment = make_comment()
        comment.article.delete()
        assert not Comment.objects.exists()

    def test_str_and_url(self, make_comment):
        comment = make_comment(name="Jane", text="Short and to the point.")
        assert str(comment) == "Jane: Short and to the point."
        assert comment.get_absolute_url() == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"


@pytest.mark.django_db
class TestArticleAcceptsComments:
    def test_published_and_open(self, make_article):
        assert make_article().accepts_comments()

    def test_closed(self, make_article):
        assert not make_article(is_open_for_comments=False).accepts_comments()

    @unpublished_states
    def test_not_published(self, make_article, overrides):
        assert not make_article(**overrides).accepts_comments()
