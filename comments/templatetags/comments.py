from django import template

from ..forms import CommentForm

register = template.Library()


@register.inclusion_tag("comments/article_comments.html", takes_context=True)
def article_comments(context, article):
    """Show an article's approved comments and, while it takes them, the comment form."""
    return {
        "article": article,
        "comments": list(article.comments.approved()),
        "accepts_comments": article.accepts_comments(),
        # After a failed post the view hands back the reader's form, errors and all.
        "form": context.get("comment_form") or CommentForm(),
    }
