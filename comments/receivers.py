"""What comments add to a story's page: its approved comments and, while it takes them, the form."""

from django.dispatch import receiver

from articles.models import Article
from articles.signals import article_page

from .forms import CommentForm


@receiver(article_page, sender=Article, dispatch_uid="comments.article_page")
def comments_on_the_page(sender, article, request, **kwargs):
    # After a failed post, the comment view hands the reader's form, errors and all, to the page instead.
    return {
        "comments": list(article.comments.approved()),
        "accepts_comments": article.accepts_comments(),
        "comment_form": CommentForm(),
    }
