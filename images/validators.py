from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Only formats that cameras, agencies and editors actually deliver; naming them
# keeps Pillow from trying riskier decoders (EPS runs Ghostscript, for one).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def validate_image_upload(image):
    """
    Refuse an upload that is too large (bytes or pixels), is not an image,
    is damaged, or is a decompression bomb, saying which in the message.

    Pillow's own guard (`Image.MAX_IMAGE_PIXELS`, set from
    NEWSROOM_MAX_IMAGE_PIXELS when the images app starts) stops a bomb before
    it is decoded; smaller images over the limit are refused here by their size.
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
    max_pixels = settings.NEWSROOM_MAX_IMAGE_PIXELS
    megapixels = max_pixels // 1_000_000 or max_pixels / 1_000_000
    try:
        image.seek(0)
        with Image.open(image, formats=ACCEPTED_FORMATS) as opened:
            width, height = opened.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("This image is %(width)s × %(height)s pixels; the largest allowed is %(limit)s megapixels.")
                    % {"width": width, "height": height, "limit": megapixels},
                    code="image_too_many_pixels",
                )
            # Decoding every pixel is the only sure way to find a truncated or damaged file.
            opened.load()
    except Image.DecompressionBombError:
        raise ValidationError(
            _("This image has far more than %(limit)s megapixels and cannot be opened safely.") % {"limit": megapixels},
            code="image_decompression_bomb",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not an image that can be used here. Upload a JPEG, PNG, WebP or GIF file."),
            code="not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("This image file is damaged or incomplete and cannot be read. Export it again and upload the new file."),
            code="image_corrupt",
        ) from None
    finally:
        image.seek(0)
