from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import workflow
from articles.html import html_to_text
from newsroom.admin import CheckedAutocompleteFieldsMixin

from .forms import EntryForm, LiveBlogForm
from .models import Entry, EntryConflict, LiveBlog


def author_profile(user):
    """Return the user's author profile, or None."""
    try:
        return user.author
    except ObjectDoesNotExist:
        return None


# How many of the newest entries the live blog's page lists under the form.
RECENT_ENTRIES = 20


class EntryInline(CheckedAutocompleteFieldsMixin, admin.StackedInline):
    """
    The fast "add an entry" form on a live blog's page. It only adds: the entries posted
    so far are listed under it (the newest RECENT_ENTRIES), each corrected on its own page.
    """

    model = Entry
    form = EntryForm
    fields = ["text", "author", "photo", "is_key_event", "is_pinned", "loaded_version"]
    autocomplete_fields = ["author", "photo"]
    extra = 1
    verbose_name = _("new entry")
    verbose_name_plural = _("new entry")

    def get_queryset(self, request):
        # A form of every entry ever posted would grow without end; the page lists them instead.
        return super().get_queryset(request).none()

    def has_view_permission(self, request, obj=None):
        return workflow.writes_stories(request.user)

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.may_post(request.user)

    def has_change_permission(self, request, obj=None):
        # Posted entries are corrected one at a time on their own page, with a version check.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LiveBlog)
class LiveBlogAdmin(admin.ModelAdmin):
    form = LiveBlogForm
    list_display = ["__str__", "is_live", "coverage_started_at", "coverage_ended_at"]
    list_select_related = ["article"]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]
    fields = ["article", "coverage_started_at", "coverage_ended_at", "ended_by"]
    readonly_fields = ["coverage_ended_at", "ended_by"]
    inlines = [EntryInline]
    actions = ["end_coverage"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, user=request.user, **form_kwargs)

        return WithUser

    def get_readonly_fields(self, request, obj=None):
        # The story is the live blog: once made, the entries stay with it.
        if obj is not None:
            return ["article", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(boolean=True, description=_("live"))
    def is_live(self, obj):
        return obj.is_live

    def has_module_permission(self, request):
        return workflow.writes_stories(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.writes_stories(request.user)

    def has_add_permission(self, request):
        return workflow.writes_stories(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return workflow.writes_stories(request.user)
        return workflow.is_editor(request.user) or obj.may_post(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_end_permission(self, request):
        return workflow.is_editor(request.user)

    def save_formset(self, request, form, formset, change):
        for entry in formset.save(commit=False):
            if entry.pk is None:
                entry.created_by = request.user
                entry.author = entry.author or author_profile(request.user)
            entry.save(saved_by=request.user)
        for entry in formset.deleted_objects:
            entry.delete()

    @admin.action(description=_("End the coverage of the selected live blogs"), permissions=["end"])
    def end_coverage(self, request, queryset):
        running = [live_blog for live_blog in queryset if live_blog.coverage_ended_at is None]
        for live_blog in running:
            live_blog.end(request.user)
        self.message_user(
            request,
            ngettext("Ended %(count)d live blog.", "Ended %(count)d live blogs.", len(running))
            % {"count": len(running)},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_end"] = obj is not None and obj.coverage_ended_at is None and self.has_end_permission(request)
        if obj is not None:
            context["recent_entries"] = list(obj.entries.for_display()[:RECENT_ENTRIES])
            context["all_entries_url"] = reverse("admin:liveblog_entry_changelist") + f"?live_blog__id__exact={obj.pk}"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        if "_end_coverage" in request.POST:
            if not self.has_end_permission(request):
                self.message_user(request, _("Only editors end a live blog."), messages.ERROR)
            else:
                obj.end(request.user)
                self.message_user(request, _("The coverage has ended; the Live badge is gone."))
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Correct one entry; a stale copy is refused with the text kept (EntryForm)."""

    form = EntryForm
    list_display = ["__str__", "live_blog", "author", "created_at", "is_key_event", "is_pinned", "was_edited"]
    list_select_related = ["live_blog__article", "author"]
    list_filter = ["live_blog", "is_key_event", "is_pinned"]
    search_fields = ["text"]
    autocomplete_fields = ["author", "photo"]
    fields = ["text", "author", "photo", "is_key_event", "is_pinned", "loaded_version", "earlier_versions"]
    readonly_fields = ["earlier_versions"]

    @admin.display(description=_("earlier versions"))
    def earlier_versions(self, entry):
        """Every version this entry had, newest first: who saved it, when, and its text."""
        earlier = [
            revision for revision in entry.revisions.select_related("saved_by") if revision.version != entry.version
        ]
        if not earlier:
            return _("None: this is the entry as first posted.")
        return format_html_join(
            "",
            "<p><strong>{} {}</strong>, {} · {}</p><blockquote>{}</blockquote>",
            (
                (
                    _("Version"),
                    revision.version,
                    revision.saved_by.get_username() if revision.saved_by else _("someone"),
                    date_format(timezone.localtime(revision.saved_at), "j M Y, H:i"),
                    html_to_text(revision.text),
                )
                for revision in earlier
            ),
        )

    @admin.display(boolean=True, description=_("corrected"))
    def was_edited(self, obj):
        return obj.was_edited

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return workflow.writes_stories(request.user)

    def has_add_permission(self, request):
        # Entries are added on their live blog's page.
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return workflow.writes_stories(request.user)
        return workflow.is_editor(request.user) or obj.live_blog.may_post(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def save_model(self, request, obj, form, change):
        try:
            obj.save(saved_by=request.user)
        except EntryConflict:
            # Lost the race between the form's check and the save: say so, keep nothing silently.
            self.message_user(
                request,
                _("Someone saved this entry at the same moment; open it again and redo your change."),
                messages.ERROR,
            )

    def response_change(self, request, obj):
        # Back to the live blog, where the next entry is posted.
        return HttpResponseRedirect(reverse("admin:liveblog_liveblog_change", args=[obj.live_blog_id]))
