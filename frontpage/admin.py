from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from newsroom.admin import CheckedAutocompleteFieldsMixin

from .models import SLOTS, Lineup, Placement
from .views import HomeView


class PlacementForm(forms.ModelForm):
    def has_changed(self):
        # A placement copied from the lineup in force belongs to the new lineup, changed or not.
        return super().has_changed() or bool(self.initial.get("article"))


class PlacementInline(CheckedAutocompleteFieldsMixin, admin.TabularInline):
    model = Placement
    form = PlacementForm
    autocomplete_fields = ["article", "package"]
    fields = ["position", "article", "package"]
    max_num = SLOTS

    def get_extra(self, request, obj=None, **kwargs):
        return SLOTS if obj is None else 1


@admin.register(Lineup)
class LineupAdmin(admin.ModelAdmin):
    """
    The front page's lineups. A change is a new lineup, opened with the one in force; a
    lineup that has taken effect is the page's history and stays as it was.
    """

    inlines = [PlacementInline]
    list_display = ["takes_effect_at", "lead", "state", "note", "created_by", "created_at", "preview_link"]
    list_select_related = ["created_by"]
    fields = ["takes_effect_at", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    date_hierarchy = "takes_effect_at"

    def get_queryset(self, request):
        return super().get_queryset(request).with_in_force().prefetch_related("placements__article")

    def has_change_permission(self, request, obj=None):
        # Only a lineup still to come may change; the others record what readers saw.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_scheduled())

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_scheduled())

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new lineup starts as a copy of the one in force, so an editor changes only what moves."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is None and request.method != "POST" and (current := Lineup.objects.in_force()) is not None:
            kwargs["initial"] = [
                {
                    "position": placement.position,
                    "article": placement.article_id,
                    "package": list(placement.package.all()),
                }
                for placement in current.placements.all()
            ]
        return kwargs

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("lead"))
    def lead(self, lineup):
        placement = next((p for p in lineup.placements.all() if p.position == 0), None)
        return placement.article.headline if placement else "—"

    @admin.display(description=_("state"))
    def state(self, lineup):
        if lineup.is_scheduled():
            return _("scheduled")
        return _("in force") if lineup.is_in_force() else _("past")

    @admin.display(description=_("preview"))
    def preview_link(self, lineup):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:frontpage_lineup_preview", args=[lineup.pk]), _("Preview")
        )

    def get_urls(self):
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="frontpage_lineup_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """Show the home page as this lineup makes it, with the stories readers may see now."""
        lineup = self.get_object(request, str(pk))
        if lineup is None:
            raise Http404(_("No lineup with that id."))
        if not self.has_view_permission(request, lineup):
            raise PermissionDenied
        response = HomeView.as_view(lineup=lineup, extra_context={"preview_of": lineup})(request)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response
