"""Webhook endpoints that editors configure, and the deliveries made to them."""

import base64
import ipaddress
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.fields import login_field
from newsroom.outbound import allowed_networks, is_public

SECRET_PREFIX = "whsec_"


def generate_secret():
    """Return a new signing secret in the Standard Webhooks form: whsec_ and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class Event(models.TextChoices):
    PUBLISHED = "published", _("Published")
    UPDATED = "updated", _("Updated")
    CORRECTED = "corrected", _("Corrected")
    UNPUBLISHED = "unpublished", _("Unpublished")


def all_events():
    return [event.value for event in Event]


def validate_events(value):
    """Refuse an empty choice of events, or one naming an event that does not exist."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one event."))
    unknown = sorted(set(value) - set(all_events()))
    if unknown:
        raise ValidationError(_("Unknown events: %(events)s.") % {"events": ", ".join(map(str, unknown))})


class EndpointQuerySet(models.QuerySet):
    def enabled(self):
        """Return the endpoints that receive deliveries."""
        return self.filter(is_enabled=True)


class Endpoint(models.Model):
    """An address, chosen by an editor, that receives a signed POST for each story event it asks for."""

    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_(
            "An https:// address on the public internet. http:// is accepted only for the networks the "
            "server's NEWSROOM_OUTBOUND_ALLOWED_NETWORKS setting names."
        ),
    )
    description = models.CharField(
        _("description"), max_length=200, blank=True, default="", help_text=_("Who receives this, and why.")
    )
    events = models.JSONField(
        _("events"), default=all_events, validators=[validate_events], help_text=_("The story events sent here.")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=generate_secret,
        editable=False,
        help_text=_("Give it to the receiver, which checks each delivery's signature with it."),
    )
    is_enabled = models.BooleanField(
        _("enabled"), default=True, help_text=_("Untick to stop deliveries here; those waiting are skipped.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = login_field(_("created by"))

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.description or self.url

    def clean(self):
        errors = {}
        if self.url:
            try:
                check_endpoint_url(self.url)
            except ValidationError as error:
                errors["url"] = error
        if errors:
            raise ValidationError(errors)

    def wants(self, event):
        """Tell whether this endpoint receives `event`."""
        return self.is_enabled and event in self.events


def check_endpoint_url(url):
    """
    Refuse, with a message for the editor, an address no delivery could go to: another
    scheme than https (or http with allowed networks), a user name or password, or a
    host written as a private address the settings do not allow. Names are resolved,
    and checked again, at each delivery.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    networks = allowed_networks()
    if scheme == "http" and not networks:
        raise ValidationError(_("Use an https:// address: http:// is not allowed on this server."))
    if scheme not in ("https", "http"):
        raise ValidationError(_("Use an https:// address."))
    if parts.username or parts.password:
        raise ValidationError(_("Leave the user name and password out of the address; the signature authenticates."))
    try:
        address = ipaddress.ip_address((parts.hostname or "").strip("[]"))
    except ValueError:
        return  # A name: resolved and checked at each delivery.
    allowed = any(address in network for network in networks)
    if not (is_public(address) or allowed):
        raise ValidationError(
            _("%(address)s is a private or local address; deliveries there are refused.") % {"address": address}
        )
    if scheme == "http" and not allowed:
        raise ValidationError(_("http:// is allowed only to the networks the server's settings allow; use https://."))


class DeliveryQuerySet(models.QuerySet):
    def not_attempted(self):
        """Return the deliveries still waiting for their first attempt."""
        return self.filter(status=Delivery.Status.PENDING, attempts=0)


class Delivery(models.Model):
    """One event of one story for one endpoint: what is sent, and how sending it went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.CharField(_("event"), max_length=20, choices=Event)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
        verbose_name=_("story"),
        db_index=False,
    )
    version = models.PositiveIntegerField(_("version"), help_text=_("The story's version the event happened at."))
    correction = models.ForeignKey(
        "articles.Correction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correction"),
        help_text=_("The correction or update a corrected event announces."),
    )
    key = models.CharField(
        _("idempotency key"),
        max_length=100,
        unique=True,
        help_text=_("Sent as webhook-id; the same on every retry and redelivery, so receivers can skip repeats."),
    )
    payload = models.TextField(
        _("payload"),
        blank=True,
        default="",
        help_text=_("The JSON body, made at the first attempt and sent unchanged on every later one."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        permissions = [("redeliver_delivery", _("Can redeliver webhook deliveries"))]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="delivery_status_created"),
            models.Index(fields=["article", "event", "status"], name="delivery_article_event"),
        ]

    def __str__(self):
        return f"{self.get_event_display()}: {self.article_id} v{self.version} → {self.endpoint}"

    @staticmethod
    def make_key(endpoint, article, version, event, correction=None):
        """Return the idempotency key of (endpoint, story, version, event), and the correction for a corrected event."""
        key = f"msg_{article.pk}_v{version}_{event}"
        if correction is not None:
            key += f"_c{correction.pk}"
        return f"{key}_e{endpoint.pk}"
