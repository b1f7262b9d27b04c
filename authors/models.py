from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from images.sharing import ShareImage
from images.validators import validate_image_upload
from newsroom.cache import delete_quietly, get_or_set_quietly


class OrganisationQuerySet(models.QuerySet):
    def publisher(self):
        """
        Return the organisation that publishes this site, or None if none is chosen, kept
        in the cache: every page's footer names it. Saving or deleting an organisation
        refreshes it here; other processes with their own local cache catch up within
        PUBLISHER_TIMEOUT.
        """
        return get_or_set_quietly(
            Organisation.PUBLISHER_CACHE_KEY,
            lambda: self.filter(is_publisher=True).first(),
            Organisation.PUBLISHER_TIMEOUT,
        )


class Organisation(models.Model):
    """A publisher, agency, trust, society or other body that authors work for or articles cite."""

    class Kind(models.TextChoices):
        PUBLISHER = "publisher", _("Publisher")
        NEWS_AGENCY = "news_agency", _("News agency")
        BROADCASTER = "broadcaster", _("Broadcaster")
        NGO = "ngo", _("NGO or trust")
        SOCIETY = "society", _("Society or club")
        GOVERNMENT = "government", _("Government body")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        blank=True,
        default="",
        help_text=_("Abbreviation readers know it by, such as TASS or SAFE."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True, validators=[validate_image_upload])
    country = models.CharField(_("country"), max_length=100, blank=True, default="")
    city = models.CharField(_("city"), max_length=100, blank=True, default="")
    is_publisher = models.BooleanField(
        _("publisher of this site"),
        default=False,
        help_text=_("The organisation that publishes this site. Only one can be."),
    )
    corrections_policy_url = models.URLField(
        _("corrections policy"), blank=True, default="", help_text=_("How and when it corrects mistakes.")
    )
    ethics_policy_url = models.URLField(
        _("ethics policy"), blank=True, default="", help_text=_("Its code of conduct or editorial standards.")
    )
    masthead_url = models.URLField(_("masthead"), blank=True, default="", help_text=_("Who the editors and staff are."))
    ownership_funding_url = models.URLField(
        _("ownership and funding"), blank=True, default="", help_text=_("Who owns and funds it.")
    )

    objects = OrganisationQuerySet.as_manager()

    PUBLISHER_CACHE_KEY = "authors:publisher"
    PUBLISHER_TIMEOUT = 300

    # (field, label) of the policy pages readers and search engines are pointed to.
    POLICY_FIELDS = [
        ("corrections_policy_url", _("Corrections policy")),
        ("ethics_policy_url", _("Ethics policy")),
        ("masthead_url", _("Masthead")),
        ("ownership_funding_url", _("Ownership and funding")),
    ]
    NEWS_MEDIA_KINDS = {Kind.PUBLISHER, Kind.NEWS_AGENCY, Kind.BROADCASTER}

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["is_publisher"],
                condition=Q(is_publisher=True),
                name="one_publisher",
                violation_error_message=_(
                    "Another organisation is already the publisher of this site; untick it there first."
                ),
            ),
        ]

    def __str__(self):
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    def get_absolute_url(self):
        return reverse("authors:organisation", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        delete_quietly(self.PUBLISHER_CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        delete_quietly(self.PUBLISHER_CACHE_KEY)
        return result

    @property
    def location(self):
        """Return "City, Country" with whichever parts are known."""
        return ", ".join(part for part in (self.city, self.country) if part)

    @property
    def is_news_media(self):
        """Tell whether it is a news organisation: the publisher, an agency or a broadcaster."""
        return self.is_publisher or self.kind in self.NEWS_MEDIA_KINDS

    @property
    def policies(self):
        """Return (field, label, url) for each policy page it has given."""
        return [(field, label, getattr(self, field)) for field, label in self.POLICY_FIELDS if getattr(self, field)]

    @property
    def logo_image(self):
        """Describe the logo for structured data, or return None."""
        return ShareImage.from_file(self.logo, alt=_("%(name)s logo") % {"name": self.name})


class Author(models.Model):
    """A person who writes, photographs or reports for the site."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        verbose_name=_("login"),
        help_text=_("The reporter's own account, if they have one."),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True, default="")
    bio = models.TextField(
        _("biography"), blank=True, default="", help_text=_("Plain text; leave a blank line between paragraphs.")
    )
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True, validators=[validate_image_upload])
    website = models.URLField(_("website"), blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="", help_text=_("Private: never shown to readers."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        permissions = [("change_any_author", _("Can edit any author's profile, not only their own"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    @property
    def share_image(self):
        """Describe the author's photo for link previews and structured data, or return None."""
        return ShareImage.from_file(self.photo, alt=_("Portrait of %(name)s") % {"name": self.name})


class AuthorLink(models.Model):
    """A public profile of an author elsewhere: a social network, a portfolio."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=100, help_text=_("For example Mastodon, LinkedIn, Portfolio."))
    url = models.URLField(_("address"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self):
        return self.label


class Affiliation(models.Model):
    """An author's role at an organisation, current or past."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="affiliations", db_index=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="affiliations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=200, help_text=_("For example Staff reporter."))
    is_current = models.BooleanField(_("current"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["-is_current", "position", "pk"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(fields=["author", "organisation", "role"], name="unique_affiliation_role"),
            models.CheckConstraint(condition=~Q(role=""), name="affiliation_role_not_empty"),
        ]

    def __str__(self):
        return f"{self.role}, {self.organisation.name}"
