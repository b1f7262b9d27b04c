from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import KEY_START, ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "key_start", "rate_limit", "created_at", "created_by", "is_active", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["created_by"]
    search_fields = ["name", "prefix"]
    fields = ["name", "rate_limit", "key_start", "created_at", "created_by", "revoked_at"]
    readonly_fields = ["key_start", "created_at", "created_by", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("key starts"))
    def key_start(self, api_key):
        return f"{KEY_START}{api_key.prefix}…" if api_key.prefix else "—"

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, api_key):
        return api_key.is_active()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            # Only the hash is stored: this is the one moment the key exists in full.
            request.issued_api_key = obj.issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """Show the new key once, on a page no cache keeps, instead of redirecting to the list."""
        response = TemplateResponse(
            request,
            "admin/api/apikey/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "api_key": obj,
                "key": request.issued_api_key,
                "title": _("API key created"),
            },
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = queryset.revoke()
        self.message_user(
            request, ngettext("Revoked %(count)d key.", "Revoked %(count)d keys.", revoked) % {"count": revoked}
        )
