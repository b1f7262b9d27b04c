import secrets
from functools import partial
from operator import itemgetter
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from images.fields import MeasuredOnceImageField
from images.sharing import ShareImage
from images.validators import validate_image_upload
from newsroom.tasks import enqueue_on_commit

from .renditions import encode, open_original, prepare, upright_width
from .signals import renditions_changed
from .tasks import make_renditions


def original_upload_to(photo, filename):
    """
    Store an original under a random name. Originals keep the camera's
    metadata, GPS location included, and are never linked from readers'
    pages; on local disk, served with the other media, a random name keeps
    their addresses from being guessed.
    """
    extension = "".join(char for char in PurePath(filename).suffix.lower() if char.isalnum() or char == ".")
    return timezone.now().strftime("photos/originals/%Y/%m/") + secrets.token_hex(16) + extension


def private_storage():
    """
    Return the storage for originals, STORAGES["private"]: on S3 a location readers
    cannot fetch, reached by staff through short-lived signed addresses. Passed as a
    callable so that migrations do not depend on the settings.
    """
    return storages["private"]


def rendition_upload_to(rendition, filename):
    """Keep a photo's renditions together, under names the service chooses."""
    return f"photos/renditions/{rendition.photo_id}/{filename}"


def delete_files_on_commit(files):
    """Delete (storage, name) files once the current transaction commits, so a rollback keeps them."""
    for storage, name in files:
        if name:
            transaction.on_commit(partial(storage.delete, name))


class PhotoQuerySet(models.QuerySet):
    def delete(self):
        """Delete the photos and then their stored files, so nothing of a deleted photo stays online."""
        files = [file for photo in self.prefetch_related("renditions") for file in photo.stored_files()]
        deleted = super().delete()
        delete_files_on_commit(files)
        return deleted


class Photo(models.Model):
    """An image in the library, with what readers and the picture desk need to know about it."""

    image = MeasuredOnceImageField(
        _("image"),
        upload_to=original_upload_to,
        storage=private_storage,
        max_length=255,
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
        help_text=_(
            "JPEG, PNG, WebP or GIF. Readers get resized copies without the camera's metadata, location included."
        ),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, help_text=_("Of the stored original, in pixels."))
    height = models.PositiveIntegerField(_("height"), editable=False, help_text=_("Of the stored original, in pixels."))
    alt_text = models.CharField(
        _("alt text"), max_length=250, help_text=_("Describe the image for readers who cannot see it.")
    )
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, default="", help_text=_("Shown under the image.")
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            "As printed under the image, for example Reuters/Jane Doe. "
            "Left empty, the photographer and source are printed."
        ),
    )
    photographer = models.ForeignKey(
        "authors.Author",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photographs",
        verbose_name=_("photographer"),
    )
    source_organisation = models.ForeignKey(
        "authors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("source organisation"),
        help_text=_("The agency or organisation that supplied the image."),
    )
    copyright_holder = models.CharField(_("copyright holder"), max_length=200, blank=True, default="")
    usage_terms = models.TextField(
        _("usage terms"),
        blank=True,
        default="",
        help_text=_("What we may do with the image, and until when; for example “Editorial use only, until 2027”."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # A copy of the renditions' format, size and file name, kept by copy_renditions(), so
    # that a page shows the photo with no query of its own: see renditions_by_format.
    rendition_data = models.JSONField(_("renditions"), default=list, blank=True, editable=False)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [models.CheckConstraint(condition=~Q(alt_text=""), name="photo_has_alt_text")]

    def __str__(self):
        label = Truncator(self.alt_text).chars(80)
        return f"{label} ({self.credit})" if self.credit else label

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.request_renditions()

    def delete(self, *args, **kwargs):
        # Django leaves files behind when rows go; a photo removed to protect
        # a source must not stay reachable, original or rendition.
        files = self.stored_files()
        deleted = super().delete(*args, **kwargs)
        delete_files_on_commit(files)
        return deleted

    def request_renditions(self):
        """
        Have the worker make the renditions the photo lacks, once this transaction commits;
        return whether it was asked. Resizing takes seconds, so it is never done in the
        request that saved the photo; pages show the photo once its renditions exist.
        Renditions of a replaced original go at once, not when the worker comes.
        """
        existing = list(Rendition.objects.filter(photo=self))
        if Rendition.is_full_set(existing, self.image.name):
            # Saving wrote this instance's copy of the renditions, which may be older than the set.
            self.copy_renditions(existing)
            return False
        if stale := [rendition for rendition in existing if rendition.source_name != self.image.name]:
            Rendition.objects.filter(pk__in=[rendition.pk for rendition in stale]).delete()
            delete_files_on_commit((rendition.file.storage, rendition.file.name) for rendition in stale)
            self.copy_renditions()
        enqueue_on_commit(make_renditions, self.pk, using=self._state.db)
        return True

    def ensure_renditions(self, recheck=False):
        """
        Make the renditions the photo lacks and drop those made from an earlier
        original or for widths no longer wanted; return how many were made.

        A full set is left alone without reading the original, so editing a
        caption costs no image work; `recheck` reads it anyway, which finds the
        widths to add after Rendition.WIDTHS grows.
        """
        existing = list(Rendition.objects.filter(photo=self))
        if not recheck and Rendition.is_full_set(existing, self.image.name):
            self.copy_renditions(existing)
            return 0
        with self.image.open("rb"), open_original(self.image) as original:
            widths = Rendition.widths_for(upright_width(original))
            wanted = {(image_format, width) for image_format in Rendition.Format for width in widths}
            kept = [
                rendition
                for rendition in existing
                if rendition.source_name == self.image.name and (rendition.format, rendition.width) in wanted
            ]
            missing = sorted(wanted - {(rendition.format, rendition.width) for rendition in kept})
            made = []
            if missing:
                prepared = prepare(original)
                for image_format, width in missing:
                    content, height = encode(prepared, width, image_format)
                    rendition = Rendition(
                        photo=self, format=image_format, width=width, height=height, source_name=self.image.name
                    )
                    name = f"{secrets.token_hex(8)}-{width}.{image_format}"
                    rendition.file.save(name, ContentFile(content), save=False)
                    made.append(rendition)
        dropped = [rendition for rendition in existing if rendition not in kept]
        with transaction.atomic():
            Rendition.objects.filter(pk__in=[rendition.pk for rendition in dropped]).delete()
            Rendition.objects.bulk_create(made)
        delete_files_on_commit((rendition.file.storage, rendition.file.name) for rendition in dropped)
        self.copy_renditions(kept + made)
        return len(made)

    def copy_renditions(self, renditions=None):
        """Copy the renditions (those stored, unless given) onto the photo, where pages read them."""
        if renditions is None:
            renditions = Rendition.objects.filter(photo=self)
        data = sorted((rendition.as_data() for rendition in renditions), key=itemgetter("format", "width"))
        if data != self.rendition_data:
            self.rendition_data = data
            type(self).objects.filter(pk=self.pk).update(rendition_data=data)
            renditions_changed.send(sender=type(self), photo=self)
        # Forget what this instance had loaded, so it shows the new renditions.
        self.__dict__.pop("renditions_by_format", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("renditions", None)

    def stored_files(self):
        """Return (storage, name) of the original and of every rendition."""
        return [(self.image.storage, self.image.name)] + [
            (rendition.file.storage, rendition.file.name) for rendition in self.renditions.all()
        ]

    @cached_property
    def renditions_by_format(self):
        """Return the photo's renditions, narrowest first, keyed by format, from the copy it keeps (no query)."""
        by_format = {image_format: [] for image_format in Rendition.Format}
        for data in sorted(self.rendition_data, key=itemgetter("width")):
            if data["format"] in by_format:
                by_format[data["format"]].append(Rendition(photo=self, **data))
        return by_format

    @property
    def has_renditions(self):
        """Tell whether readers' pages can show the photo yet."""
        return bool(self.renditions_by_format[Rendition.Format.JPEG])

    @property
    def webp_srcset(self):
        return srcset(self.renditions_by_format[Rendition.Format.WEBP])

    @property
    def jpeg_srcset(self):
        return srcset(self.renditions_by_format[Rendition.Format.JPEG])

    @property
    def fallback_rendition(self):
        """Return the JPEG for browsers that ignore srcset; its size also reserves the image's space on the page."""
        jpegs = self.renditions_by_format[Rendition.Format.JPEG]
        fitting = [rendition for rendition in jpegs if rendition.width <= Rendition.FALLBACK_WIDTH]
        if fitting:
            return fitting[-1]
        return jpegs[0] if jpegs else None

    def largest_rendition(self, image_format=None):
        """
        Return the widest rendition (JPEG unless told otherwise), or None before
        renditions are made. Use it wherever the image leaves the site (feeds,
        OpenGraph, JSON-LD): unlike the original, it carries no metadata.
        """
        renditions = self.renditions_by_format[image_format or Rendition.Format.JPEG]
        return renditions[-1] if renditions else None

    @property
    def share_image(self):
        """Describe the photo for feeds and link previews by its widest JPEG, or return None."""
        rendition = self.largest_rendition()
        if rendition is None:
            return None
        return ShareImage(
            url=rendition.file.url,
            width=rendition.width,
            height=rendition.height,
            content_type=rendition.mime_type,
            alt=self.alt_text,
        )

    @property
    def credit_line(self):
        """Return the credit as printed: the credit field, or the photographer and source."""
        if self.credit:
            return self.credit
        parts = [self.photographer.name if self.photographer else ""]
        if self.source_organisation:
            parts.append(self.source_organisation.short_name or self.source_organisation.name)
        return "/".join(part for part in parts if part)


def srcset(renditions):
    """Return a `srcset` attribute value listing the renditions by width."""
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)


class RenditionQuerySet(models.QuerySet):
    def delete(self):
        """Delete the renditions, then update the copy their photos keep."""
        photo_ids = set(self.values_list("photo_id", flat=True))
        deleted = super().delete()
        for photo in Photo.objects.filter(pk__in=photo_ids):
            photo.copy_renditions()
        return deleted


class Rendition(models.Model):
    """A resized copy of a photo in one width and format, made once, stored with the media and reused."""

    # Widths for phones, tablets and large screens; an original is never enlarged.
    WIDTHS = (480, 960, 1600)
    FALLBACK_WIDTH = 960

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    photo = models.ForeignKey(
        Photo, on_delete=models.CASCADE, related_name="renditions", verbose_name=_("photo"), db_index=False
    )
    format = models.CharField(_("format"), max_length=4, choices=Format)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    file = models.FileField(_("file"), upload_to=rendition_upload_to, max_length=255)
    source_name = models.CharField(
        _("made from"),
        max_length=255,
        help_text=_("The original's file name when this was made; a new original makes it out of date."),
    )

    objects = RenditionQuerySet.as_manager()

    class Meta:
        ordering = ["format", "width"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(fields=["photo", "format", "width"], name="unique_rendition"),
            models.CheckConstraint(condition=Q(width__gt=0) & Q(height__gt=0), name="rendition_has_size"),
        ]

    def __str__(self):
        return f"{self.get_format_display()} {self.width}×{self.height}"

    @classmethod
    def widths_for(cls, upright_width):
        """Return the widths to make for an image this wide: never wider than the original, and at least one."""
        widths = {width for width in cls.WIDTHS if width < upright_width}
        widths.add(min(upright_width, cls.WIDTHS[-1]))
        return sorted(widths)

    @classmethod
    def is_full_set(cls, renditions, source_name):
        """
        Tell whether the renditions are a full set made from `source_name`, judged
        without opening the original. A photo's renditions are stored all at once,
        so the largest width alone says which widths the set should hold.
        """
        if not renditions or any(rendition.source_name != source_name for rendition in renditions):
            return False
        widths = cls.widths_for(max(rendition.width for rendition in renditions))
        return sorted((r.format, r.width) for r in renditions) == sorted(
            (image_format, width) for image_format in cls.Format for width in widths
        )

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.photo.copy_renditions()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        self.photo.copy_renditions()
        return deleted

    def as_data(self):
        """Return what a page needs of the rendition, as Photo.rendition_data keeps it."""
        return {"format": self.format, "width": self.width, "height": self.height, "file": self.file.name}

    @property
    def mime_type(self):
        return f"image/{self.format}"
