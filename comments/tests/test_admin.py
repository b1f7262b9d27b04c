import pytest
from django.urls import reverse

from articles.models import Article
from articles.tests.forms import change_form_data
from comments.models import Comment

CHANGELIST = reverse("admin:comments_comment_changelist")


def run_action(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [comment.pk for comment in comments]},
        follow=True,
    )


@pytest.mark.django_db
class TestModeration:
    @pytest.mark.parametrize(
        "action, status",
        [("approve", Comment.Status.APPROVED), ("reject", Comment.Status.REJECTED), ("mark_spam", Comment.Status.SPAM)],
    )
    def test_editor_moderates_in_bulk(self, client, editor, make_comment, action, status):
        client.force_login(editor)
        chosen = [make_comment(), make_comment()]
        untouched = make_comment()

        response = run_action(client, action, chosen)

        assert response.status_code == 200
        assert f"2 comments are now “{status.label}”." in [str(m) for m in response.context["messages"]]
        for comment in chosen:
            comment.refresh_from_db()
            assert (comment.status, comment.moderated_by) == (status, editor)
            assert comment.moderated_at is not None
        untouched.refresh_from_db()
        assert untouched.status == Comment.Status.PENDING

    def test_changing_status_on_the_form_stamps_the_moderator(self, client, editor, make_comment):
        client.force_login(editor)
        comment = make_comment(text="Original words")
        url = reverse("admin:comments_comment_change", args=[comment.pk])

        response = client.post(url, {"status": Comment.Status.APPROVED, "text": "Rewritten"})

        assert response.status_code == 302
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (Comment.Status.APPROVED, editor)
        assert comment.text == "Original words", "moderators must not rewrite a reader's words"

    def test_comments_cannot_be_added_in_the_admin(self, superuser_client):
        assert superuser_client.get(reverse("admin:comments_comment_add")).status_code == 403

    def test_reporter_cannot_see_or_moderate_comments(self, client, reporter, make_comment):
        client.force_login(reporter)
        comment = make_comment()
        assert client.get(CHANGELIST).status_code == 403
        assert client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]}).status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_changelist_filters_searches_and_keeps_its_query_count(
        self, superuser_client, make_comment, make_article, django_assert_max_num_queries
    ):
        article = make_article(headline="Kim leaves Russia")
        make_comment(article=article, name="Findable", status=Comment.Status.SPAM)
        for _ in range(30):
            make_comment()

        with django_assert_max_num_queries(12):
            response = superuser_client.get(CHANGELIST)
        assert response.context["cl"].result_count == 31
        assert "Kim leaves Russia" in response.content.decode()
        assert superuser_client.get(CHANGELIST + "?status=spam").context["cl"].result_count == 1
        assert superuser_client.get(CHANGELIST + "?q=kim+leaves").context["cl"].result_count == 1
        assert superuser_client.get(CHANGELIST + "?q=Findable").context["cl"].result_count == 1


def change_article(client, article, **overrides):
    """Post the article's change form as it stands, with `overrides`; None leaves a field out."""
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]), change_form_data(article, **overrides)
    )


@pytest.mark.django_db
class TestClosingComments:
    def test_editor_closes_comments(self, client, editor, make_article):
        client.force_login(editor)
        article = make_article()

        response = change_article(client, article, is_open_for_comments=None)  # an unticked box sends nothing

        assert response.status_code == 302
        article.refresh_from_db()
        assert not article.is_open_for_comments

    def test_reporter_cannot_close_comments(self, client, reporter, make_article):
        client.force_login(reporter)
        article = make_article(status=Article.Status.DRAFT, published_at=None, created_by=reporter)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        assert 'name="is_open_for_comments"' not in client.get(change_url).content.decode()

        response = change_article(client, article, is_open_for_comments=None)

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.is_open_for_comments
