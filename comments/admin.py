from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "name", "article_headline", "status", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "text", "article__headline"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["approve", "reject", "mark_spam"]
    fields = [
        "article",
        "name",
        "email",
        "text",
        "status",
        "created_at",
        "ip_address",
        "user_agent",
        "moderated_by",
        "moderated_at",
    ]
    # Moderators decide on a reader's words; they do not rewrite them.
    readonly_fields = [field for field in fields if field != "status"]

    def has_add_permission(self, request):
        # Comments come from readers, through the form on the article page.
        return False

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return comment.excerpt

    @admin.display(description=_("article"), ordering="article__headline")
    def article_headline(self, comment):
        return comment.article.headline

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderated_by = request.user
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def moderate(self, request, queryset, status):
        count = queryset.moderate(status, request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d comment is now “%(status)s”.",
                "%(count)d comments are now “%(status)s”.",
                count,
            )
            % {"count": count, "status": status.label},
        )

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def approve(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.APPROVED)

    @admin.action(description=_("Reject selected comments"), permissions=["change"])
    def reject(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.REJECTED)

    @admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.SPAM)
