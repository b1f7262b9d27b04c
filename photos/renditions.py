"""Make the resized, metadata-free copies of photos that readers' pages show."""

import secrets
from functools import partial
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import ExifTags, Image, ImageCms, ImageOps

from images.validators import ACCEPTED_FORMATS

from .models import Rendition

SAVE_OPTIONS = {
    Rendition.Format.JPEG: ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    Rendition.Format.WEBP: ("WEBP", {"quality": 80, "method": 4}),
}
# EXIF orientations that turn the picture a quarter, so width and height swap.
QUARTER_TURNS = {5, 6, 7, 8}
SRGB = ImageCms.createProfile("sRGB")


def rendition_widths(upright_width):
    """Return the widths to make for an image this wide: never wider than the original, and at least one."""
    widths = {width for width in Rendition.WIDTHS if width < upright_width}
    widths.add(min(upright_width, Rendition.WIDTHS[-1]))
    return sorted(widths)


def upright_width(image):
    """Return how wide the image is once turned the way its EXIF orientation says."""
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    return image.height if orientation in QUARTER_TURNS else image.width


def prepare(image):
    """Return a copy of the image turned upright, in sRGB, on white instead of transparent, with no metadata."""
    image = ImageOps.exif_transpose(image)
    icc_profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    if icc_profile:
        # Dropping a profile without converting would shift the colours of
        # Adobe RGB or CMYK originals; a broken profile is ignored instead.
        try:
            image = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(BytesIO(icc_profile)), SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    image = image.convert("RGB")
    # Pillow writes EXIF, XMP and ICC data only when asked; emptying `info` keeps
    # a future default from copying the camera's metadata, location included.
    image.info = {}
    return image


def encode(image, width, image_format):
    """Return the prepared image resized to `width` and encoded in `image_format`, with its height."""
    height = max(1, round(image.height * width / image.width))
    resized = image if (width, height) == image.size else image.resize(
        (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    resized.info = {}
    pillow_format, options = SAVE_OPTIONS[image_format]
    buffer = BytesIO()
    resized.save(buffer, pillow_format, **options)
    return buffer.getvalue(), height


def is_complete(renditions, source_name):
    """
    Tell whether the renditions are a full set made from `source_name`, judged
    without opening the original. A photo's renditions are stored all at once,
    so the largest width alone says which widths the set should hold.
    """
    if not renditions or any(rendition.source_name != source_name for rendition in renditions):
        return False
    widths = rendition_widths(max(rendition.width for rendition in renditions))
    return sorted((r.format, r.width) for r in renditions) == sorted(
        (image_format, width) for image_format in Rendition.Format for width in widths
    )


def ensure_renditions(photo, recheck=False):
    """
    Make the renditions the photo lacks and drop those made from an earlier
    original or for widths no longer wanted; return how many were made.

    A full set is left alone without reading the original, so editing a
    caption costs no image work; `recheck` reads it anyway, which finds the
    widths to add after Rendition.WIDTHS grows.
    """
    existing = list(Rendition.objects.filter(photo=photo))
    if not recheck and is_complete(existing, photo.image.name):
        return 0
    with photo.image.open("rb"), Image.open(photo.image, formats=ACCEPTED_FORMATS) as original:
        widths = rendition_widths(upright_width(original))
        wanted = {(image_format, width) for image_format in Rendition.Format for width in widths}
        kept = [
            rendition
            for rendition in existing
            if rendition.source_name == photo.image.name and (rendition.format, rendition.width) in wanted
        ]
        missing = sorted(wanted - {(rendition.format, rendition.width) for rendition in kept})
        made = []
        if missing:
            prepared = prepare(original)
            for image_format, width in missing:
                content, height = encode(prepared, width, image_format)
                rendition = Rendition(
                    photo=photo, format=image_format, width=width, height=height, source_name=photo.image.name
                )
                name = f"{secrets.token_hex(8)}-{width}.{image_format}"
                rendition.file.save(name, ContentFile(content), save=False)
                made.append(rendition)
    dropped = [rendition for rendition in existing if rendition not in kept]
    with transaction.atomic():
        Rendition.objects.filter(pk__in=[rendition.pk for rendition in dropped]).delete()
        Rendition.objects.bulk_create(made)
    storage = Rendition._meta.get_field("file").storage
    for rendition in dropped:
        transaction.on_commit(partial(storage.delete, rendition.file.name))
    # Forget what this instance had loaded, so it shows the new renditions.
    photo.__dict__.pop("renditions_by_format", None)
    getattr(photo, "_prefetched_objects_cache", {}).pop("renditions", None)
    return len(made)
