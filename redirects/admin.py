from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import RedirectImportForm
from .models import Redirect


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "article", "created_at", "created_by"]
    list_select_related = ["article", "created_by"]
    search_fields = ["old_path", "new_path"]
    readonly_fields = ["article", "created_at", "created_by"]
    fields = ["old_path", "new_path", "article", "created_at", "created_by"]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            # What led to the old address now leads straight to the new one.
            Redirect.objects.filter(new_path=obj.old_path).update(new_path=obj.new_path)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="redirects_redirect_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RedirectImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    for old_path, new_path in form.cleaned_data["file"]:
                        Redirect.objects.point(old_path, new_path, created_by=request.user)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                count = len(form.cleaned_data["file"])
                self.message_user(
                    request,
                    ngettext("Imported %(count)d redirect.", "Imported %(count)d redirects.", count) % {"count": count},
                    messages.SUCCESS,
                )
                return redirect("admin:redirects_redirect_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import redirects"),
            "form": form,
        }
        return TemplateResponse(request, "admin/redirects/redirect/import.html", context)
