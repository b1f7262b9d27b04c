from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import CreateView

from articles.models import Article
from articles.views import render_article_page

from . import throttle
from .forms import CommentForm
from .models import Comment
from .origin import is_cross_site

USER_AGENT_MAX_LENGTH = Comment._meta.get_field("user_agent").max_length

THANKS = _("Thanks — your comment will appear once a moderator approves it.")
CLOSED = _("Comments are closed on this story, so your comment was not posted.")
TOO_MANY = _("You have posted several comments in a short time. Please wait a few minutes, then send this one again.")


CROSS_SITE = _("Comments can only be posted from the story's own page on this site.")


# The article page carries no CSRF token, so that it sets no cookie and can be cached
# for every reader; is_cross_site() refuses posts from other sites' pages instead.
@method_decorator(csrf_exempt, name="dispatch")
class CommentCreateView(CreateView):
    """Take a reader's comment on a published story; it waits for a moderator."""

    form_class = CommentForm

    def get_article(self):
        self.article = get_object_or_404(Article.objects.published().for_detail(), pk=self.kwargs["article_pk"])
        return self.article

    def get(self, request, *args, **kwargs):
        # The form lives on the article page; whoever lands here is sent there.
        return redirect(self.get_article())

    def post(self, request, *args, **kwargs):
        if is_cross_site(request):
            raise PermissionDenied(CROSS_SITE)
        if not self.get_article().accepts_comments():
            messages.error(request, CLOSED)
            return redirect(self.article)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address = throttle.client_address(self.request)
        if not throttle.allow_comment(address):
            form.add_error(None, TOO_MANY)
            return self.form_invalid(form, status=429)
        # A bot that filled the honeypot is thanked like anyone else, so it learns nothing.
        if not form.is_from_bot():
            form.instance.article = self.article
            form.instance.ip_address = address
            form.instance.user_agent = self.request.headers.get("User-Agent", "")[:USER_AGENT_MAX_LENGTH]
            form.save()
        messages.success(self.request, THANKS)
        return redirect(self.article)

    def form_invalid(self, form, status=200):
        # The reader sees the story again, with what they typed and what to fix.
        return render_article_page(self.request, self.article, status=status, comment_form=form)
