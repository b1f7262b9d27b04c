"""The newsdesk on the admin's front page: what is waiting for the signed-in editor or reporter."""

from django import template

from .. import workflow
from ..models import Article, ArticleTransition

register = template.Library()

DESK_LIMIT = 50


@register.inclusion_tag("admin/articles/article/includes/newsdesk.html", takes_context=True)
def newsdesk(context):
    """Show editors the review queue and what is scheduled; show reporters their drafts and what came back."""
    user = context["request"].user
    articles = Article.objects.for_listing()
    desk = {"is_editor": workflow.is_editor(user)}
    if desk["is_editor"]:
        desk["in_review"] = articles.in_review()[:DESK_LIMIT]
        desk["upcoming"] = articles.upcoming()[:DESK_LIMIT]
    if workflow.writes_stories(user):
        mine = articles.owned_by(user)
        drafts = list(mine.filter(status=Article.Status.DRAFT).with_return_note().order_by("-updated_at")[:DESK_LIMIT])
        for article in drafts:
            article.returned_label = (
                ArticleTransition.Action(article.returned_action).label if article.returned_action else ""
            )
        desk["sent_back"] = [a for a in drafts if a.returned_action == ArticleTransition.Action.SEND_BACK]
        desk["drafts"] = [a for a in drafts if a.returned_action != ArticleTransition.Action.SEND_BACK]
        desk["waiting"] = mine.filter(status=Article.Status.REVIEW).in_review()[:DESK_LIMIT]
        desk["shows_own"] = True
    return desk
