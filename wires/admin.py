from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import workflow
from articles.html import html_to_lines
from articles.models import Article, EditConflict
from articles.signals import article_edited

from .models import IngestedItem, WireSource

DASHBOARD_ITEMS_PER_SOURCE = 15
DASHBOARD_ATTENTION = 50


@admin.register(WireSource)
class WireSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "format", "location", "poll_interval", "is_enabled", "last_polled_at"]
    list_filter = ["is_enabled", "format"]
    list_select_related = ["organisation"]
    search_fields = ["name", "url", "folder"]
    autocomplete_fields = ["organisation", "section"]
    readonly_fields = ["last_polled_at", "last_error"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "organisation", "format", "url", "folder", "section", "poll_interval", "is_enabled"]},
        ),
        (_("Pictures"), {"fields": ["picture_schemes", "picture_hosts"]}),
        (_("Last poll"), {"fields": ["last_polled_at", "last_error"]}),
    ]

    # Editors configure the agencies they take copy from; the model permissions still count for others.
    def has_module_permission(self, request):
        return workflow.is_editor(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return workflow.is_editor(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return workflow.is_editor(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return workflow.is_editor(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return workflow.is_editor(request.user) or super().has_delete_permission(request, obj)


@admin.register(IngestedItem)
class IngestedItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "version", "status", "pending_version", "article", "taken_by", "updated_at"]
    list_filter = ["status", "source"]
    list_select_related = ["source", "article", "taken_by"]
    search_fields = ["uri", "headline", "byline"]
    actions = ["apply_pending_updates"]
    readonly_fields = [field.name for field in IngestedItem._meta.fields] + ["waiting_update"]
    fields = [
        "uri",
        "source",
        "version",
        "version_created_at",
        "status",
        "error_message",
        "notice",
        "article",
        "headline",
        "byline",
        "language",
        "copyright",
        "usage_terms",
        "pending_version",
        "waiting_update",
        "taken_by",
        "taken_at",
        "received_at",
        "updated_at",
    ]

    # Records are written by ingest alone. Reporters and editors read them (the dashboard is
    # where both pick up wire copy); only editors apply a waiting update, since it may change
    # a live story.
    def has_module_permission(self, request):
        return workflow.writes_stories(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return workflow.writes_stories(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_apply_permission(self, request):
        return workflow.is_editor(request.user)

    @admin.display(description=_("waiting update"))
    def waiting_update(self, record):
        """Show the agency's newer version as text, for the editor to compare with the story."""
        if not record.pending_data:
            return "—"
        data = record.pending_data
        return format_html(
            "<strong>{}</strong><p>{}</p>{}",
            data.get("headline", ""),
            data.get("standfirst", ""),
            format_html_join("", "<p>{}</p>", ((line,) for line in html_to_lines(data.get("body", "")) if line)),
        )

    def get_urls(self):
        return [
            path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name="wires_dashboard"),
            path("<int:pk>/take/", self.admin_site.admin_view(self.take_view), name="wires_ingesteditem_take"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """Show recent items per source, and what needs an editor: withdrawals, waiting updates, errors."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        recent = IngestedItem.objects.select_related("article", "taken_by").order_by("-updated_at", "-pk")
        # One bounded query per source: a newsroom takes copy from a handful of agencies.
        sources = [
            (source, list(recent.filter(source=source)[:DASHBOARD_ITEMS_PER_SOURCE]))
            for source in WireSource.objects.order_by("name")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Wire ingest"),
            "opts": self.model._meta,
            "sources": sources,
            "unsourced": recent.filter(source__isnull=True)[:DASHBOARD_ITEMS_PER_SOURCE],
            "attention": recent.select_related("source").needing_attention()[:DASHBOARD_ATTENTION],
            "may_take": workflow.writes_stories(request.user),
        }
        return TemplateResponse(request, "admin/wires/dashboard.html", context)

    def take_view(self, request, pk):
        """
        Take a wire draft into a story: claim it for the user if no one has (it then shows
        among their drafts, and the workflow treats them as its reporter), then open it.
        """
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:wires_dashboard"))
        if not workflow.writes_stories(request.user):
            raise PermissionDenied
        record = get_object_or_404(IngestedItem.objects.select_related("article"), pk=pk)
        if record.article is None:
            raise Http404("This item has no story.")
        claimed = Article.objects.filter(pk=record.article_id, created_by__isnull=True).update(created_by=request.user)
        if claimed:
            IngestedItem.objects.filter(pk=record.pk).update(taken_by=request.user, taken_at=timezone.now())
        article = Article.objects.get(pk=record.article_id)
        if not workflow.can_edit(request.user, article):
            self.message_user(request, _("“%s” is already someone else's story.") % article, messages.WARNING)
            return HttpResponseRedirect(reverse("admin:wires_dashboard"))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    @admin.action(description=_("Apply the waiting agency update to the story"), permissions=["apply"])
    def apply_pending_updates(self, request, queryset):
        """Write each waiting update into its story, as the editor's own edit (recorded as a revision)."""
        done = 0
        for record in queryset.exclude(pending_version="").filter(article__isnull=False):
            data = record.pending_data
            try:
                with transaction.atomic():
                    article = Article.objects.select_for_update().get(pk=record.article_id)
                    article.headline = (data.get("headline") or article.headline)[:250]
                    article.standfirst = data.get("standfirst", article.standfirst)
                    article.body = data.get("body", article.body)
                    article.dateline = (data.get("dateline") or article.dateline)[:100]
                    article.save()
                    article_edited.send(sender=Article, article=article, user=request.user, created=False)
                    article.refresh_from_db(fields=["version"])
                    record.version, record.pending_version, record.pending_data = record.pending_version, "", {}
                    record.headline = article.headline
                    record.article_version = article.version
                    record.status = IngestedItem.Status.UPDATED
                    record.save()
            except EditConflict:
                self.message_user(request, _("“%s” changed meanwhile; try again.") % record, messages.WARNING)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d story updated.", "%(count)d stories updated.", done) % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
