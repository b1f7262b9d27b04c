"""Old addresses that answer 301 with where their content lives now."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


def normalise_path(value):
    """Return the path (and query) of an address or path, as the site receives it: '/2024/05/01/story/'."""
    parts = urlsplit(value.strip())
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return f"{path}?{parts.query}" if parts.query else path


class RedirectQuerySet(models.QuerySet):
    def target_of(self, path):
        """Return where `path` now answers, following the stored redirects (which are kept one hop)."""
        return self.filter(old_path=path).values_list("new_path", flat=True).first()

    @transaction.atomic
    def point(self, old_path, new_path, **fields):
        """
        Make `old_path` answer with `new_path`, in one hop however many times the content
        has moved: redirects that led to `old_path` now lead to `new_path`, and a redirect
        away from `new_path` (the content is back at an address it once had) goes.
        Return the redirect.
        """
        old_path, new_path = normalise_path(old_path), normalise_path(new_path)
        if old_path == new_path:
            raise ValidationError(_("An address cannot redirect to itself."), code="loop")
        self.filter(old_path=new_path).delete()
        self.filter(new_path=old_path).update(new_path=new_path)
        redirect, _created = self.update_or_create(old_path=old_path, defaults={"new_path": new_path, **fields})
        return redirect


class Redirect(models.Model):
    """An old address of the site and the address its content moved to, answered with a 301."""

    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("The path readers and search engines still ask for, such as /2024/05/01/old-headline/."),
    )
    new_path = models.CharField(
        _("new address"),
        max_length=500,
        help_text=_("Where it lives now: a path on this site (/sections/world/) or a full address."),
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="redirects",
        verbose_name=_("story"),
        help_text=_("The story that moved, when a story's address changed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = [
            models.CheckConstraint(condition=~models.Q(old_path=models.F("new_path")), name="redirect_not_to_itself")
        ]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def clean(self):
        self.old_path = normalise_path(self.old_path)
        if not urlsplit(self.new_path.strip()).scheme:
            self.new_path = normalise_path(self.new_path)
        if self.old_path == self.new_path:
            raise ValidationError({"new_path": _("An address cannot redirect to itself.")})
        # Follow the redirects from the new address to where they end, so that readers get
        # there in one hop; coming back to the old address would send them round in a loop.
        seen, path = {self.old_path}, self.new_path
        while (further := Redirect.objects.exclude(pk=self.pk).target_of(path)) is not None:
            if further in seen:
                raise ValidationError(
                    {
                        "new_path": _(
                            "%(new)s already leads back to %(old)s: the two would send readers round in a loop."
                        )
                        % {"new": self.new_path, "old": self.old_path}
                    }
                )
            seen.add(further)
            path = further
        self.new_path = path
