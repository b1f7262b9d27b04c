from django.contrib import admin
from django.db.models import Prefetch
from django.http import JsonResponse
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .forms import TagNamesField
from .models import Article, Byline, Section
from .revisions_admin import RevisionAdminMixin

TAG_SUGGESTIONS = 20


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]


class TagListFilter(admin.SimpleListFilter):
    """Filter by the tags articles carry, not by every tag in the database."""

    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return Tag.objects.filter(article__isnull=False).distinct().order_by("name").values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["headline", "status", "section", "byline_names", "published_at", "updated_at", "is_live"]
    list_filter = ["status", "section", ("authors", admin.RelatedOnlyFieldListFilter), TagListFilter]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "sources", "photo"]
    inlines = [BylineInline]
    list_per_page = 50
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        (_("Placement"), {"fields": ["section", "tags", "sources", "dateline"]}),
        (_("Image"), {"fields": ["photo"]}),
        (_("Publication"), {"fields": ["status", "published_at", "is_open_for_comments"]}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section")
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.close_comments"):
            readonly.append("is_open_for_comments")
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return TagNamesField(self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("bylines"))
    def byline_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description=_("live"), boolean=True)
    def is_live(self, article):
        return article.is_published()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "tag-autocomplete/",
                self.admin_site.admin_view(self.tag_autocomplete_view),
                name="articles_article_tag_autocomplete",
            ),
            *super().get_urls(),
        ]

    def tag_autocomplete_view(self, request):
        """Suggest existing tag names for the tags box, in select2's format."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:100]
        names = Tag.objects.filter(name__icontains=term).order_by("name").values_list("name", flat=True)
        return JsonResponse(
            {"results": [{"id": name, "text": name} for name in names[:TAG_SUGGESTIONS]], "pagination": {"more": False}}
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
