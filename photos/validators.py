from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import get_image_dimensions
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validate_image_upload(image):
    """
    Refuse images over the configured size in bytes or pixels.

    Whether the file is an image at all is checked by Django's ImageField,
    which opens and verifies it with Pillow.
    """
    if getattr(image, "_committed", False):
        return  # Already stored: it was checked when it was uploaded.
    max_bytes = settings.NEWSROOM_MAX_IMAGE_BYTES
    if image.size > max_bytes:
        raise ValidationError(
            _("This image is %(size)s; the largest allowed is %(limit)s.")
            % {"size": filesizeformat(image.size), "limit": filesizeformat(max_bytes)},
            code="image_too_large",
        )
    width, height = get_image_dimensions(image)
    if width and height and width * height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels; the largest allowed is %(limit)s megapixels.")
            % {"width": width, "height": height, "limit": settings.NEWSROOM_MAX_IMAGE_PIXELS // 1_000_000},
            code="image_too_many_pixels",
        )
