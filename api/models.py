import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.fields import login_field

# A key reads "nrk_<prefix>.<secret>": the prefix finds the row, the secret is checked
# against its SHA-256. The secret is 256 random bits, so a fast hash is enough: there is
# nothing to guess that a slow hash would protect.
KEY_START = "nrk_"
PREFIX_BYTES = 6
SECRET_BYTES = 32


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        """Return the keys that have not been revoked."""
        return self.filter(revoked_at__isnull=True)

    def revoke(self):
        """Revoke these keys now; return how many were still active."""
        return self.active().update(revoked_at=timezone.now())

    def matching(self, key):
        """Return the active key that `key` (as a client sends it) is, or None."""
        prefix, _dot, secret = key.removeprefix(KEY_START).partition(".")
        if not key.startswith(KEY_START) or not prefix or not secret:
            return None
        api_key = self.active().filter(prefix=prefix).first()
        if api_key is None or not hmac.compare_digest(api_key.secret_hash, hash_secret(secret)):
            return None
        return api_key


class ApiKey(models.Model):
    """A key that lets a partner read the API at a higher rate; only a hash of its secret is stored."""

    name = models.CharField(_("name"), max_length=200, help_text=_("Who uses the key, for example Partner app."))
    prefix = models.CharField(_("prefix"), max_length=20, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("rate limit"),
        null=True,
        blank=True,
        help_text=_("Requests per window for this key; empty for the default of keys (NEWSROOM_API_KEY_RATE_LIMIT)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = login_field(_("created by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [models.CheckConstraint(condition=~Q(secret_hash=""), name="api_key_has_secret")]

    def __str__(self):
        return f"{self.name} ({KEY_START}{self.prefix}…)"

    def issue(self):
        """Give the key a new prefix and secret, and return the full key: the only time it is known."""
        self.prefix = secrets.token_hex(PREFIX_BYTES)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        self.secret_hash = hash_secret(secret)
        return f"{KEY_START}{self.prefix}.{secret}"

    def is_active(self):
        return self.revoked_at is None

    @property
    def limit(self):
        """Return how many requests the key may make per window."""
        return self.rate_limit or settings.NEWSROOM_API_KEY_RATE_LIMIT
