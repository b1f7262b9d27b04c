"""Sections: the parts of the site every story belongs to, in navigation order."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.cache import delete_quietly, get_or_set_quietly


class SectionQuerySet(models.QuerySet):
    def navigation(self):
        """
        Return every section in navigation order, kept in the cache: the list is on
        every page and changes rarely. Saving or deleting a section refreshes it here;
        other processes with their own local cache catch up within NAVIGATION_TIMEOUT.
        """
        return get_or_set_quietly(Section.NAVIGATION_CACHE_KEY, lambda: list(self.all()), Section.NAVIGATION_TIMEOUT)


class Section(models.Model):
    """A part of the site, such as World or Politics, that every article belongs to."""

    NAVIGATION_CACHE_KEY = "articles:navigation-sections"
    NAVIGATION_TIMEOUT = 300

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, default="")
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are listed in the navigation in this order.")
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        delete_quietly(self.NAVIGATION_CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        delete_quietly(self.NAVIGATION_CACHE_KEY)
        return result
