from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import (
    DateDetailView,
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    YearArchiveView,
)
from taggit.models import Tag

from authors.models import Organisation
from authors.structured_data import json_ld
from newsroom.pagination import filter_first
from newsroom.views import ObjectArticleListView, SharedListPageMixin, UncountedPaginationMixin, sharing_context

from . import structured_data, workflow
from .body import Body
from .models import Article, Correction, PreviewLink, Section
from .signals import article_page


def added_by_other_apps(request, article, *, is_preview=False):
    """Return what apps built on articles add to the story's page (signals.article_page)."""
    context = {}
    for _receiver, added in article_page.send(Article, article=article, request=request, is_preview=is_preview):
        context.update(added)
    return context


def article_page_context(request, article):
    """Return what the article page shows around the story: related stories, links, publisher, structured data."""
    links = Article.objects.published().links_around(article)
    publisher = Organisation.objects.publisher()
    # The body's photos in one query, only if it shows any; the page and its JSON-LD share them.
    body = Body(article.body)
    data = structured_data.article_page(article, request, publisher, inline_photos=body.inline_photos)
    return {
        "publisher": publisher,
        "body": body.for_readers(),
        "related": links.related,
        "more_by_author": links.by_author,
        "previous_in_section": links.previous,
        "next_in_section": links.following,
        **sharing_context(request, article.get_absolute_url(), article.share_image, json_ld(data)),
        **added_by_other_apps(request, article),
    }


class ArticleDetailView(DateDetailView):
    # Named, so that the date mixin does not build the page's queryset a second time to find it.
    model = Article
    # Built once and copied for each request, as the preview's is: building it took longer
    # than running it (2 ms against 1 ms of SQL).
    queryset = Article.objects.for_detail()
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"

    def get_queryset(self):
        return super().get_queryset().published()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**article_page_context(self.request, self.object), **kwargs)


def render_article_page(request, article, *, status=200, **context):
    """
    Render `article`'s page as ArticleDetailView does, with `context` added: how a form
    posted from the page to another app (a comment with errors) is shown again.
    """
    context = {"object": article, "article": article, **article_page_context(request, article), **context}
    return TemplateResponse(request, "articles/article_detail.html", context, status=status)


class PreviewMixin:
    """Show an article as readers will see it, to people who may see it early; keep it out of indexes and caches."""

    queryset = Article.objects.for_detail()
    extra_context = {"is_preview": True}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            preview_state=workflow.describe_state(self.object),
            is_public=self.object.is_published(),
            body=Body(self.object.body).for_readers(),
            **added_by_other_apps(self.request, self.object, is_preview=True),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The address itself may be the key (a shared link): do not hand it on to linked sites.
        response["Referrer-Policy"] = "no-referrer"
        patch_cache_control(response, private=True, no_store=True)
        return response


class ArticlePreviewView(LoginRequiredMixin, PreviewMixin, DetailView):
    """Show an article's owners and the editors the article as readers will see it, whatever its state."""

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not workflow.can_preview(self.request.user, article):
            raise PermissionDenied
        return article


class SharedPreviewView(PreviewMixin, DetailView):
    """Show an article to whoever holds an editor's preview link, until it expires or is revoked."""

    def get_object(self, queryset=None):
        try:
            self.preview_link = PreviewLink.objects.get_by_token(self.kwargs["token"])
        except PreviewLink.DoesNotExist:
            raise Http404("This preview link is not valid, has expired or was revoked.") from None
        return get_object_or_404(self.get_queryset(), pk=self.preview_link.article_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_link=self.preview_link, **kwargs)


class SectionView(ObjectArticleListView):
    model = Section
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        return self.object.articles.published().for_listing()


class TagView(ObjectArticleListView):
    model = Tag
    template_name = "articles/tag_detail.html"
    # Paged by the tag links' copy of the publication date and their article, which their index holds.
    keyset_field = "listed_at"
    keyset_id_field = "listed_id"

    def get_queryset(self):
        return Article.objects.published().listed_under("tagged_items", tag=self.object).for_listing()

    def get_canonical_path(self):
        return reverse("articles:tag", args=[self.object.slug])


class ArchiveMixin(SharedListPageMixin, UncountedPaginationMixin):
    """Show the stories published in a year, a month or a day, newest first, twenty a page."""

    # Named, so that the date mixin does not build the queryset a second time to find it.
    model = Article
    date_field = "published_at"
    month_format = "%m"
    # An empty period is a page saying so. Its links to the previous and next period, as
    # every period's, lead to the nearest with stories: one probe of the date index each.
    # A period in the future, or an empty one before the first story, is a 404: otherwise
    # a crawler could follow empty pages back to the year 1000.
    allow_empty = True
    period = None  # "year", "month" or "day": the period each view shows and links.

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_dated_queryset(self, **lookup):
        period_starts_at = lookup[f"{self.date_field}__gte"]
        if period_starts_at > timezone.now():
            raise Http404("No story can have been published then yet.")
        # The period's bounds go first, before the published rule's "up to now" (filter_first).
        return filter_first(super().get_dated_queryset(), Q(**lookup))

    def get_dated_items(self):
        date_list, stories, context = super().get_dated_items()
        shown = context[self.period]
        self.previous_with_stories = context[f"previous_{self.period}"] = self.nearest_with_stories(shown, older=True)
        context[f"next_{self.period}"] = self.nearest_with_stories(shown, older=False)
        return date_list, stories, context

    def nearest_with_stories(self, shown, older):
        """Return the start of the nearest period older (or newer) than `shown` that has stories, or None."""
        start_of = getattr(self, f"_get_current_{self.period}")
        if older:
            before = self._make_date_lookup_arg(start_of(shown))
            stories = filter_first(Article.objects.published(), Q(published_at__lt=before)).newest_first()
        else:
            after = self._make_date_lookup_arg(getattr(self, f"_get_next_{self.period}")(shown))
            stories = Article.objects.published().filter(published_at__gte=after).oldest_first()
        published_at = stories.values_list("published_at", flat=True).first()
        return start_of(timezone.localtime(published_at).date()) if published_at else None

    def paginate_queryset(self, queryset, page_size):
        paginator, page, stories, is_paginated = super().paginate_queryset(queryset, page_size)
        if not stories and self.previous_with_stories is None:
            raise Http404("No story was published then, or before.")
        return paginator, page, stories, is_paginated

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Django would list the periods that have stories with a DISTINCT over the whole
        # period; the pages link to the previous and next period instead.
        return []


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    make_object_list = True
    period = "year"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """Return the months of the year up to now, each a link, without asking which have stories."""
        this_month = timezone.localdate().replace(day=1)
        months = [date(int(self.get_year()), month, 1) for month in range(1, 13)]
        return [month for month in months if month <= this_month]


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    period = "month"


class ArticleDayArchiveView(ArchiveMixin, DayArchiveView):
    period = "day"


class LatestView(SharedListPageMixin, UncountedPaginationMixin, ListView):
    """Every published story, newest first, twenty a page: the whole archive, page by page."""

    template_name = "articles/latest.html"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class CorrectionListView(UncountedPaginationMixin, ListView):
    """The public log of every correction and update on published stories, newest first."""

    keyset_field = "created_at"

    def get_queryset(self):
        # Built per request: public() compares with the time now, not when the module loaded.
        # The stories come in a query of their own: joined, a database that knows nothing yet
        # of the corrections table may read every story to find the few corrected ones.
        return (
            Correction.objects.public()
            .select_related(None)
            .prefetch_related(Prefetch("article", queryset=Article.objects.for_links()))
        )
