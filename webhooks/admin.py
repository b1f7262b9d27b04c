from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .events import redeliver
from .models import Delivery, Endpoint, Event, generate_secret


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=Endpoint._meta.get_field("events").help_text,
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "is_enabled"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "description", "event_names", "is_enabled", "delivery_log", "created_at"]
    list_filter = ["is_enabled"]
    search_fields = ["url", "description"]
    actions = ["replace_secret"]

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "events", "is_enabled"]
        return fields if obj is None else [*fields, "secret", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["secret", "created_by", "created_at"]

    @admin.display(description=_("events"))
    def event_names(self, endpoint):
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(event, event)) for event in endpoint.events)

    @admin.display(description=_("deliveries"))
    def delivery_log(self, endpoint):
        url = reverse("admin:webhooks_delivery_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Delivery log"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                _("Give the receiver this signing secret: %(secret)s (also shown on the endpoint's page).")
                % {"secret": obj.secret},
            )

    @admin.action(description=_("Replace the signing secret of selected endpoints"), permissions=["change"])
    def replace_secret(self, request, queryset):
        for endpoint in queryset:
            endpoint.secret = generate_secret()
            endpoint.save(update_fields=["secret", "updated_at"])
        self.message_user(
            request,
            ngettext(
                "Replaced the secret of %(count)d endpoint; give the receiver the new one from its page.",
                "Replaced the secrets of %(count)d endpoints; give each receiver the new one from its page.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.WARNING,
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only, with Redeliver for those allowed to."""

    list_display = [
        "created_at",
        "event",
        "story",
        "version",
        "endpoint",
        "status",
        "response_code",
        "attempts",
        "last_attempt_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint", "article"]
    search_fields = ["key", "article__headline", "endpoint__url"]
    date_hierarchy = "created_at"
    actions = ["redeliver_selected"]
    fields = [
        "endpoint",
        "event",
        "article",
        "version",
        "correction",
        "key",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields

    @admin.display(description=_("story"), ordering="article__headline")
    def story(self, delivery):
        url = reverse("admin:articles_article_change", args=[delivery.article_id])
        return format_html('<a href="{}">{}</a>', url, delivery.article.headline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_redeliver_permission(self, request):
        return request.user.has_perm("webhooks.redeliver_delivery")

    @admin.action(description=_("Redeliver selected deliveries"), permissions=["redeliver"])
    def redeliver_selected(self, request, queryset):
        count = redeliver(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again, with its first body and webhook-id.",
                "%(count)d deliveries will be sent again, each with its first body and webhook-id.",
                count,
            )
            % {"count": count},
        )
