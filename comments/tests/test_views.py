from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, RelatedStory
from articles.tests.factories import unpublished_states
from comments.models import TEXT_MAX_LENGTH, Comment

THANKS = "Thanks — your comment will appear once a moderator approves it."


@pytest.mark.django_db
class TestPosting:
    def test_comment_is_stored_pending_and_reader_is_thanked(self, post_comment, make_article):
        article = make_article()

        response = post_comment(article, follow=True, text="Line one\r\nLine two")

        assert response.redirect_chain == [(article.get_absolute_url(), 302)]
        comment = Comment.objects.get()
        assert (comment.article, comment.name, comment.email) == (article, "Jane Reader", "jane@example.net")
        assert comment.text == "Line one\nLine two"
        assert comment.status == Comment.Status.PENDING
        assert comment.ip_address == "127.0.0.1"
        html = response.content.decode()
        assert '<ul class="messages" role="status">' in html
        assert THANKS in html
        assert "Line one" not in html, "a pending comment must not be shown"
        assert "No comments yet" in html

    def test_address_and_browser_are_recorded_within_limits(self, client, make_article):
        article = make_article()
        data = {"name": "Jane", "email": "jane@example.net", "text": "Hello"}
        url = reverse("comments:post", args=[article.pk])

        client.post(url, data, headers={"User-Agent": "Mozilla/5.0 " + "x" * 400}, REMOTE_ADDR="2001:db8::1")
        client.post(url, data, REMOTE_ADDR="")  # e.g. gunicorn on a Unix socket

        first, second = Comment.objects.order_by("pk")
        assert (first.ip_address, len(first.user_agent)) == ("2001:db8::1", 300)
        assert first.user_agent.startswith("Mozilla/5.0 ")
        assert (second.ip_address, second.user_agent) == (None, "")

    def test_get_goes_to_the_article(self, client, make_article):
        article = make_article()
        response = client.get(reverse("comments:post", args=[article.pk]))
        assert (response.status_code, response.url) == (302, article.get_absolute_url())
        assert client.get(reverse("comments:post", args=[article.pk + 1])).status_code == 404
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "headers",
        [
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "https://elsewhere.example"},
            {"Origin": "null"},
        ],
        ids=["cross-site", "same-site", "other-origin", "opaque-origin"],
    )
    def test_a_post_from_another_sites_page_is_refused(self, make_article, headers):
        article = make_article()
        client = Client(enforce_csrf_checks=True)
        data = {"name": "Jane", "email": "jane@example.net", "text": "Hello"}

        response = client.post(reverse("comments:post", args=[article.pk]), data, headers=headers)

        assert response.status_code == 403
        assert "only be posted from the story" in response.content.decode()
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "headers",
        [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {}],
        ids=["same-origin", "own-origin", "no-browser-headers"],
    )
    def test_a_post_from_the_story_page_needs_no_csrf_cookie(self, make_article, headers):
        article = make_article()
        client = Client(enforce_csrf_checks=True)
        page = client.get(article.get_absolute_url())
        assert not page.cookies
        data = {"name": "Jane", "email": "jane@example.net", "text": "Hello"}

        response = client.post(reverse("comments:post", args=[article.pk]), data, headers=headers)

        assert response.status_code == 302
        assert Comment.objects.count() == 1

    def test_filled_honeypot_discards_the_comment_but_thanks_all_the_same(self, post_comment, make_article):
        article = make_article()

        response = post_comment(article, follow=True, website="http://spam.example")

        assert response.redirect_chain == [(article.get_absolute_url(), 302)]
        assert THANKS in response.content.decode()
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"text": "x" * (TEXT_MAX_LENGTH + 1)}, "text"),
            ({"text": "   "}, "text"),
            ({"name": ""}, "name"),
            ({"name": "n" * 101}, "name"),
            ({"email": "not an address"}, "email"),
        ],
        ids=["text-too-long", "text-blank", "name-missing", "name-too-long", "bad-email"],
    )
    def test_bad_input_re_shows_the_article_with_errors_and_input_kept(
        self, post_comment, make_article, overrides, field
    ):
        article = make_article(headline="Kim leaves Russia")
        data = {"name": "Jane Reader", "email": "jane@example.net", "text": "My considered view.", **overrides}

        response = post_comment(article, **data)

        assert response.status_code == 200
        assert list(response.context["comment_form"].errors) == [field]
        html = response.content.decode()
        assert "Kim leaves Russia</h1>" in html
        assert 'aria-invalid="true"' in html
        for name, value in data.items():
            if value.strip() and field != name:
                assert value in html, f"the reader's {name} was lost"
        assert not Comment.objects.exists()

    def test_the_re_shown_page_is_the_article_page_readers_get(self, client, post_comment, make_article):
        article = make_article(headline="Kim leaves Russia", tags=["North Korea"])
        make_article(headline="Kim's train crosses the border", tags=["North Korea"])
        RelatedStory.objects.refresh(article)  # As publishing or saving it does.
        page = client.get(article.get_absolute_url())

        response = post_comment(article, name="", email="jane@example.net", text="My considered view.")

        for name in ["canonical_url", "structured_data", "related", "previous_in_section", "publisher"]:
            assert response.context[name] == page.context[name], name
        assert "Kim&#x27;s train crosses the border" in response.content.decode()

    def test_text_at_the_limit_is_accepted(self, post_comment, make_article):
        post_comment(make_article(), text="x" * TEXT_MAX_LENGTH)
        assert len(Comment.objects.get().text) == TEXT_MAX_LENGTH

    def test_line_breaks_count_once_towards_the_limit(self, post_comment, make_article):
        # A browser's maxlength counts CRLF as one character; so must the server.
        lines = TEXT_MAX_LENGTH // 3 - 1
        post_comment(make_article(), text="ab\r\n" * lines + "abc")
        assert Comment.objects.get().text == "ab\n" * lines + "abc"
        assert len(Comment.objects.get().text) == TEXT_MAX_LENGTH

    @unpublished_states
    def test_unpublished_article_takes_no_comments(self, post_comment, make_article, overrides):
        article = make_article(**overrides)
        assert post_comment(article).status_code == 404
        assert not Comment.objects.exists()

    def test_missing_article_is_404(self, client, db):
        data = {"name": "J", "email": "j@example.net", "text": "x"}
        response = client.post(reverse("comments:post", args=[999]), data)
        assert response.status_code == 404

    def test_closed_article_takes_no_comments_and_says_so(self, post_comment, make_article):
        article = make_article(is_open_for_comments=False)

        response = post_comment(article, follow=True)

        assert response.redirect_chain == [(article.get_absolute_url(), 302)]
        html = response.content.decode()
        assert "Comments are closed on this story, so your comment was not posted." in html
        assert not Comment.objects.exists()


@pytest.mark.django_db
class TestRateLimit:
    def test_sixth_comment_in_the_window_is_refused_with_input_kept(self, post_comment, make_article, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 5
        article = make_article()
        for n in range(5):
            assert post_comment(article, text=f"Comment {n}").status_code == 302

        response = post_comment(article, text="One too many")

        assert response.status_code == 429
        html = response.content.decode()
        assert "Please wait a few minutes" in html
        assert 'role="alert"' in html
        assert "One too many</textarea>" in html
        assert Comment.objects.count() == 5

    def test_limit_is_per_address(self, post_comment, client, make_article, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
        article = make_article()
        assert post_comment(article).status_code == 302
        assert post_comment(article).status_code == 429
        other = client.post(
            reverse("comments:post", args=[article.pk]),
            {"name": "Other", "email": "o@example.net", "text": "From elsewhere"},
            REMOTE_ADDR="198.51.100.7",
        )
        assert other.status_code == 302
        assert Comment.objects.get(name="Other").ip_address == "198.51.100.7"

    def test_limit_lifts_when_the_window_ends(self, post_comment, make_article, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
        settings.NEWSROOM_COMMENT_RATE_WINDOW = 1
        article = make_article()
        assert post_comment(article).status_code == 302
        assert post_comment(article).status_code == 429
        import time

        time.sleep(1.1)
        assert post_comment(article).status_code == 302

    def test_form_errors_do_not_use_up_the_allowance(self, post_comment, make_article, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
        article = make_article()
        assert post_comment(article, email="typo").status_code == 200
        assert post_comment(article).status_code == 302

    def test_honeypot_posts_count_too(self, post_comment, make_article, settings):
        settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
        article = make_article()
        post_comment(article, website="spam")
        assert post_comment(article).status_code == 429


@pytest.mark.django_db
class TestDisplay:
    def test_approved_comments_show_oldest_first_with_a_count(self, client, make_article, make_comment):
        article = make_article()
        now, approved = timezone.now(), Comment.Status.APPROVED
        make_comment(article=article, name="Second", status=approved, created_at=now - timedelta(hours=1))
        make_comment(article=article, name="First", status=approved, created_at=now - timedelta(hours=2))
        for status in [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM]:
            make_comment(article=article, name=f"Hidden {status}", status=status)
        make_comment(name="On another story", status=Comment.Status.APPROVED)

        html = client.get(article.get_absolute_url()).content.decode()

        assert '<h2 id="comments-heading">2 comments</h2>' in html
        assert html.index("First") < html.index("Second")
        assert "Hidden" not in html
        assert "On another story" not in html
        assert "No comments yet" not in html

    def test_one_comment_is_singular(self, client, make_comment):
        comment = make_comment(status=Comment.Status.APPROVED)
        html = client.get(comment.article.get_absolute_url()).content.decode()
        assert '<h2 id="comments-heading">1 comment</h2>' in html

    def test_no_comments_yet_and_the_form(self, client, make_article):
        html = client.get(make_article().get_absolute_url()).content.decode()
        assert "No comments yet" in html
        assert 'class="comment-form"' in html

    def test_html_is_escaped_and_links_are_not_clickable(self, client, make_comment):
        comment = make_comment(
            status=Comment.Status.APPROVED,
            text='<script>alert("x")</script> <b>bold</b>\n'
            'see https://example.com and <a href="https://evil.example">this</a>',
        )

        html = client.get(comment.article.get_absolute_url()).content.decode()
        section = html[html.index('id="comments"') :]

        assert "<script>alert" not in section
        escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;<br>see https://example.com"
        assert escaped in section
        assert "&lt;a href=&quot;https://evil.example&quot;&gt;this&lt;/a&gt;" in section
        assert 'href="https://example.com"' not in html
        assert 'href="https://evil.example"' not in html

    def test_email_is_never_shown(self, client, make_comment, post_comment):
        comment = make_comment(email="secret-address@example.net", status=Comment.Status.APPROVED)
        assert "secret-address" not in client.get(comment.article.get_absolute_url()).content.decode()

        response = post_comment(comment.article, email="another-secret@example.net", text="")
        # The reader's own form keeps their address, but no comment shows it.
        section = response.content.decode().split('<form class="comment-form"')[0]
        assert "secret-address" not in section and "another-secret" not in section

    def test_closed_article_shows_comments_but_no_form(self, client, make_comment):
        comment = make_comment(
            status=Comment.Status.APPROVED, text="Said before closing", article__is_open_for_comments=False
        )
        html = client.get(comment.article.get_absolute_url()).content.decode()
        assert "Said before closing" in html
        assert "Comments are closed." in html
        assert 'class="comment-form"' not in html

    def test_honeypot_is_hidden_from_people(self, client, make_article):
        html = client.get(make_article().get_absolute_url()).content.decode()
        trap = html[html.index('class="comment-form__trap"') :]
        trap = trap[: trap.index("</div>\n    <button")]
        assert 'aria-hidden="true"' in html[html.index('class="comment-form__trap"') - 10 :][:60]
        assert 'tabindex="-1"' in trap
        assert 'autocomplete="off"' in trap
        assert 'name="website"' in trap

    def test_staff_preview_of_a_draft_has_no_form(self, superuser_client, make_article):
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        html = superuser_client.get(reverse("articles:preview", args=[article.pk])).content.decode()
        assert "Readers can comment once the story is published." in html
        assert 'class="comment-form"' not in html
