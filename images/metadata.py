"""Re-encode uploads that readers see as they are, without the metadata cameras write."""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageOps


def without_metadata(upload):
    """Return the uploaded image turned upright and re-encoded in its own format with no metadata."""
    upload.seek(0)
    with Image.open(upload) as original:
        image_format = original.format
        image = ImageOps.exif_transpose(original)
        # Keep transparency (logos) and palette images as they are; drop everything in `info`.
        image.info = {key: value for key, value in image.info.items() if key == "transparency"}
        buffer = BytesIO()
        image.save(buffer, image_format)
    clean = ContentFile(buffer.getvalue(), name=upload.name)
    clean.content_type = getattr(upload, "content_type", None)
    clean.image = image
    return clean
