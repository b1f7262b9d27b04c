"""Preview links: signed addresses where someone without a login reads a story before it is out."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import login_field

PREVIEW_LINK_SALT = "articles.PreviewLink"
PREVIEW_LINK_DEFAULT_DAYS = 2
PREVIEW_LINK_MAX_DAYS = 30


def default_preview_expiry():
    """Return when a new preview link stops working unless the editor chooses otherwise."""
    return timezone.now() + timedelta(days=PREVIEW_LINK_DEFAULT_DAYS)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Return links that still open their article: not expired and not revoked."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def get_by_token(self, token):
        """Return the active link signed into `token`; raise DoesNotExist for a bad, old or revoked one."""
        try:
            pk = int(signing.Signer(salt=PREVIEW_LINK_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            raise self.model.DoesNotExist("The preview link is not valid.") from None
        return self.active().get(pk=pk)


class PreviewLink(models.Model):
    """An address where someone without a login can read an unpublished article for a limited time."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="preview_links")
    label = models.CharField(
        _("shared with"), max_length=200, blank=True, default="", help_text=_("For example Legal, or the source.")
    )
    expires_at = models.DateTimeField(_("expires at"), default=default_preview_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = login_field()

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return self.label or _("Preview link %(pk)s") % {"pk": self.pk}

    def clean(self):
        if self.pk is None and self.expires_at and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("Choose a time in the future.")})
        if self.expires_at and self.expires_at > timezone.now() + timedelta(days=PREVIEW_LINK_MAX_DAYS):
            raise ValidationError(
                {"expires_at": _("A preview link can last at most %(days)d days.") % {"days": PREVIEW_LINK_MAX_DAYS}}
            )

    @property
    def token(self):
        # The signature only makes ids unguessable; expiry and revocation live in the row,
        # so one stable address can be copied, checked and revoked.
        return signing.Signer(salt=PREVIEW_LINK_SALT).sign(str(self.pk))

    def get_absolute_url(self):
        return reverse("articles:shared_preview", kwargs={"token": self.token})

    def is_active(self):
        """Apply the rule of `PreviewLinkQuerySet.active()` to this one link."""
        return self.revoked_at is None and self.expires_at > timezone.now()
