"""Fields that several models share, in this app and the apps built on it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def login_field(verbose_name=None):
    """Return a foreign key recording which login made a row or acted on it, kept if the login goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name or _("created by"),
    )
