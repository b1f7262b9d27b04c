from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# Where a source was standing, as a phone would record it.
SECRET_LATITUDE = (51.0, 30.0, 12.34)


def image_upload(name="photo.png", size=(40, 30), image_format="PNG", color="teal", image=None, **save_options):
    """Return an uploaded file holding a real image of the given size (or `image`), saved with `save_options`."""
    buffer = BytesIO()
    (image or Image.new("RGB", size, color)).save(buffer, format=image_format, **save_options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def camera_exif(orientation=None):
    """Return EXIF as a phone writes it: camera make, GPS location and, if given, an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Source's phone"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: SECRET_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


XMP_WITH_LOCATION = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.2N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def left_red_right_blue(size):
    """Return an image whose left half is red and right half blue, to tell which way it was turned."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return image


def decompression_bomb_upload():
    """Return a small PNG that would fill far more memory than the pixel limit allows once decoded."""
    # 12,000 × 8,000 is 96 megapixels, more than twice the default limit of 40.
    return image_upload("bomb.png", image=Image.new("1", (12_000, 8_000)), image_format="PNG", optimize=True)
