from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from images.forms import MetadataFreeImageField
from newsroom.admin import CheckedAutocompleteFieldsMixin

from .models import Affiliation, Author, AuthorLink, Organisation


class AffiliationInline(CheckedAutocompleteFieldsMixin, admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "is_current", "position"]


class AuthorLinkInline(admin.TabularInline):
    model = AuthorLink
    extra = 0
    fields = ["label", "url", "position"]


# Portraits and logos are shown to readers as uploaded, so they lose their metadata on the way in.
IMAGE_UPLOADS = {models.ImageField: {"form_class": MetadataFreeImageField}}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    formfield_overrides = IMAGE_UPLOADS
    list_display = ["name", "job_title", "user", "email"]
    list_select_related = ["user"]
    search_fields = ["name", "job_title", "email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    inlines = [AffiliationInline, AuthorLinkInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "bio", "photo"]}),
        (_("Contact"), {"fields": ["website", "email", "user"]}),
    ]

    def has_change_permission(self, request, obj=None):
        """Let editors change every profile and everyone else only their own."""
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or request.user.has_perm("authors.change_any_author") or obj.user_id == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        # Which login a profile belongs to decides whose articles are whose; editors set it.
        if request.user.has_perm("authors.change_any_author"):
            return self.readonly_fields
        return [*self.readonly_fields, "user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = IMAGE_UPLOADS
    list_display = ["name", "short_name", "kind", "location", "is_publisher"]
    list_filter = ["kind", "is_publisher", "country"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "description"]}),
        (_("Where and how to reach it"), {"fields": ["website", "logo", "country", "city"]}),
        (
            _("Publisher and standards"),
            {
                "fields": [
                    "is_publisher",
                    "corrections_policy_url",
                    "ethics_policy_url",
                    "masthead_url",
                    "ownership_funding_url",
                ],
                "description": _(
                    "Links to the organisation's own policy pages. The publisher's are shown on every page "
                    "and given to search engines with every story."
                ),
            },
        ),
    ]

    @admin.display(description=_("location"), ordering="country")
    def location(self, organisation):
        return organisation.location
