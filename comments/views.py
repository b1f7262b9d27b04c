from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView

from articles.views import ArticleDetailView

from . import throttle
from .forms import CommentForm
from .models import Comment

USER_AGENT_MAX_LENGTH = Comment._meta.get_field("user_agent").max_length

THANKS = _("Thanks — your comment will appear once a moderator approves it.")
CLOSED = _("Comments are closed on this story, so your comment was not posted.")
TOO_MANY = _("You have posted several comments in a short time. Please wait a few minutes, then send this one again.")


class CommentCreateView(CreateView):
    """Take a reader's comment on a published story; it waits for a moderator."""

    form_class = CommentForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # A form with errors re-shows the article page, built as the article's own view builds it.
        self.article_view = ArticleDetailView()
        self.article_view.setup(request)

    def get_article(self):
        self.article = self.article_view.object = get_object_or_404(
            self.article_view.get_queryset(), pk=self.kwargs["article_pk"]
        )
        return self.article

    def get(self, request, *args, **kwargs):
        # The form lives on the article page; whoever lands here is sent there.
        return redirect(self.get_article())

    def post(self, request, *args, **kwargs):
        if not self.get_article().accepts_comments():
            messages.error(request, CLOSED)
            return redirect(self.article)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address = throttle.client_address(self.request)
        if not throttle.allow_comment(address):
            form.add_error(None, TOO_MANY)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        # A bot that filled the honeypot is thanked like anyone else, so it learns nothing.
        if not form.is_from_bot():
            form.instance.article = self.article
            form.instance.ip_address = address
            form.instance.user_agent = self.request.headers.get("User-Agent", "")[:USER_AGENT_MAX_LENGTH]
            form.save()
        messages.success(self.request, THANKS)
        return redirect(self.article)

    def get_template_names(self):
        return self.article_view.get_template_names()

    def get_context_data(self, **kwargs):
        return self.article_view.get_context_data(comment_form=kwargs["form"])
