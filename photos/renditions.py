"""
Make the resized, metadata-free copies of photos that readers' pages show. Only
the Pillow work lives here; `Photo.ensure_renditions()` decides which copies a
photo needs and stores them.
"""

from io import BytesIO

from PIL import ExifTags, Image, ImageCms, ImageOps

from images.validators import ACCEPTED_FORMATS

# Keyed by the values of Rendition.Format.
SAVE_OPTIONS = {
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "webp": ("WEBP", {"quality": 80, "method": 4}),
}
# EXIF orientations that turn the picture a quarter, so width and height swap.
QUARTER_TURNS = {5, 6, 7, 8}
SRGB = ImageCms.createProfile("sRGB")


def open_original(file):
    """Open a stored original, trying only the decoders of the formats uploads may have."""
    return Image.open(file, formats=ACCEPTED_FORMATS)


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
    resized = (
        image
        if (width, height) == image.size
        else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    )
    resized.info = {}
    pillow_format, options = SAVE_OPTIONS[image_format]
    buffer = BytesIO()
    resized.save(buffer, pillow_format, **options)
    return buffer.getvalue(), height
