"""A reader's comment from the form to the page, through a moderator's approval."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment


@pytest.mark.django_db
def test_comment_from_post_to_approval(make_article, make_comment, editor):
    article = make_article(headline="Kim leaves Russia")
    make_comment(article=article, name="Earlier Reader", status=Comment.Status.APPROVED)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url())
    assert '<h2 id="comments-heading">1 comment</h2>' in page.content.decode()

    response = reader.post(
        reverse("comments:post", args=[article.pk]),
        {
            "name": "Jane Reader",
            "email": "jane@example.net",
            "text": "Drones as a gift? <em>Really</em>.",
            "website": "",
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "your comment will appear once a moderator approves it" in html
    assert "Jane Reader" not in html
    assert '<h2 id="comments-heading">1 comment</h2>' in html

    moderator = Client()
    moderator.force_login(editor)
    queue = moderator.get(reverse("admin:comments_comment_changelist") + "?status=pending")
    pending = list(queue.context["cl"].result_list)
    assert [comment.name for comment in pending] == ["Jane Reader"]
    moderator.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [pending[0].pk]},
    )

    html = reader.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="comments-heading">2 comments</h2>' in html
    assert html.index("Earlier Reader") < html.index("Jane Reader")
    assert "Drones as a gift? &lt;em&gt;Really&lt;/em&gt;." in html
    assert "jane@example.net" not in html
