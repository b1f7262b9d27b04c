from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import PhotoForm
from .models import Photo, Rendition

THUMBNAIL_WIDTH = 96
# How many photos the body editor's picker offers at a time.
PICKER_LENGTH = 24
PREVIEW_WIDTH = 320


def admin_url(model, view, *args):
    """Return the admin address of a model's view, whichever app the model lives in."""
    return reverse(admin_urlname(model._meta, view), args=args)


def picker_item(photo):
    """Describe a photo as the body editor's picker shows and inserts it."""
    jpegs = photo.renditions_by_format[Rendition.Format.JPEG]
    return {
        "id": photo.pk,
        "alt": photo.alt_text,
        "caption": photo.caption,
        "credit": photo.credit_line,
        "thumbnail": jpegs[0].file.url if jpegs else "",
    }


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = [
        "thumbnail",
        "alt_text",
        "credit_line",
        "source_organisation",
        "photographer",
        "usage",
        "created_at",
    ]
    list_display_links = ["thumbnail", "alt_text"]
    list_select_related = ["source_organisation", "photographer"]
    list_filter = [
        ("source_organisation", admin.RelatedOnlyFieldListFilter),
        ("photographer", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "alt_text",
        "caption",
        "credit",
        "copyright_holder",
        "photographer__name",
        "source_organisation__name",
        "source_organisation__short_name",
    ]
    date_hierarchy = "created_at"
    # Stated here because Meta.ordering is not applied to the counted (grouped) queryset below.
    ordering = ["-created_at", "-pk"]
    autocomplete_fields = ["photographer", "source_organisation"]
    readonly_fields = ["preview", "dimensions", "used_in", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["image", "preview", "dimensions", "alt_text", "caption"]}),
        (
            _("Credit and rights"),
            {"fields": ["credit", "photographer", "source_organisation", "copyright_holder", "usage_terms"]},
        ),
        (_("Where it is used"), {"fields": ["used_in"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # Distinct: the two joins multiply each other's rows.
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=Count("articles", distinct=True), inline_count=Count("inline_articles", distinct=True)
            )
        )

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "picker/",
                self.admin_site.admin_view(self.picker_view),
                name=f"{opts.app_label}_{opts.model_name}_picker",
            ),
            path(
                "<path:object_id>/original/",
                self.admin_site.admin_view(self.original_view),
                name=f"{opts.app_label}_{opts.model_name}_original",
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """
        Return, as JSON, the newest photos matching `q` (as the list's search box does),
        for the story body editor's photo picker; only to those who may view photos.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = Photo.objects.select_related("photographer", "source_organisation").order_by("-created_at", "-pk")
        if query := request.GET.get("q", "").strip()[:100]:
            if query.isdigit():
                queryset = queryset.filter(pk=int(query))
            else:
                queryset, _duplicates = self.get_search_results(request, queryset, query)
        return JsonResponse({"results": [picker_item(photo) for photo in queryset[:PICKER_LENGTH]]})

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "image" in form.base_fields:
            form.base_fields["image"].widget.original_url = admin_url(Photo, "original", obj.pk)
        if refusal := getattr(request, "storage_refusal", None):
            form = type(form.__name__, (form,), {"storage_refusal": refusal})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OSError as error:
            if request.method != "POST":
                raise
            # The save was rolled back whole. The form comes back as typed, saying why.
            request.storage_refusal = _(
                "The photo could not be stored (%(reason)s). Nothing was saved: try again, "
                "or tell an administrator if it happens again."
            ) % {"reason": error.strerror or error}
            return super().changeform_view(request, object_id, form_url, extra_context)

    def original_view(self, request, object_id):
        """
        Send a member of staff who may see the photo to its original. On S3 the address
        is signed now and expires within minutes; readers' pages never link here. The
        admin site marks the redirect never to be cached.
        """
        photo = self.get_object(request, unquote(object_id))
        if photo is None:
            raise Http404(_("No photo with that id."))
        if not self.has_view_permission(request, photo):
            raise PermissionDenied
        return HttpResponseRedirect(photo.image.url)

    def image_tag(self, photo, width):
        """Show the photo's smallest rendition that is at least `width` wide, scaled to `width`."""
        renditions = photo.renditions_by_format[Rendition.Format.JPEG]
        rendition = next((r for r in renditions if r.width >= width), renditions[-1] if renditions else None)
        if rendition is None:
            return _(
                "No renditions yet: the task worker makes them in a moment. If they do not come, "
                "look for a failed task, or run manage.py build_renditions."
            )
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" style="height:auto">',
            rendition.file.url,
            width,
            round(rendition.height * width / rendition.width),
        )

    @admin.display(description=_("image"))
    def thumbnail(self, photo):
        return self.image_tag(photo, THUMBNAIL_WIDTH)

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return self.image_tag(photo, PREVIEW_WIDTH) if photo.pk else "—"

    @admin.display(description=_("original size"))
    def dimensions(self, photo):
        if not photo.pk:
            return "—"
        return _("%(width)s × %(height)s pixels") % {"width": photo.width, "height": photo.height}

    @admin.display(description=_("credit"), ordering="credit")
    def credit_line(self, photo):
        return photo.credit_line

    @admin.display(description=_("used in"), ordering="article_count")
    def usage(self, photo):
        if not photo.article_count and not photo.inline_count:
            return "—"
        parts = []
        if photo.article_count:
            article_model = Photo._meta.get_field("articles").related_model
            url = admin_url(article_model, "changelist") + "?" + urlencode({"photo__id__exact": photo.pk})
            label = ngettext("%(count)d story", "%(count)d stories", photo.article_count) % {
                "count": photo.article_count
            }
            parts.append(format_html('<a href="{}">{}</a>', url, label))
        if photo.inline_count:
            parts.append(
                ngettext("%(count)d story's body", "%(count)d stories' bodies", photo.inline_count)
                % {"count": photo.inline_count}
            )
        return format_html_join(", ", "{}", ((part,) for part in parts))

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        """List the stories showing the photo, at the top, in the body or in a live blog entry, in one query."""
        article_model = Photo._meta.get_field("articles").related_model
        shown_by = (
            Q(photo=photo)
            | Q(pk__in=photo.inline_uses.values("article_id"))
            | Q(pk__in=photo.live_entries.values("live_blog__article_id"))
            | Q(pk__in=photo.entry_uses.values("entry__live_blog__article_id"))
        )
        articles = (
            list(
                article_model.objects.filter(shown_by)
                .only("headline", "status", "published_at", "created_at")
                .order_by("-published_at", "-created_at")
            )
            if photo.pk
            else []
        )
        if not articles:
            return _("No story uses this photo yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (admin_url(article._meta.model, "change", article.pk), article, article.get_status_display())
                    for article in articles
                ),
            ),
        )
