from django import forms

from .metadata import without_metadata
from .validators import validate_image_upload


class ImageUploadField(forms.ImageField):
    """
    An image upload that is checked before Django's ImageField opens it, so a
    refused file says why (too large, not an image, damaged, a decompression
    bomb) instead of Django's one message for every failure.
    """

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image_upload(data)
        return super().to_python(data)


class MetadataFreeImageField(ImageUploadField):
    """
    An upload shown to readers as it is (an author's portrait, a logo): turned
    upright and re-encoded without EXIF, GPS or other metadata, so a portrait
    cannot reveal where or with what it was taken.
    """

    def to_python(self, data):
        checked = super().to_python(data)
        if checked is None or getattr(checked, "_committed", False):
            return checked
        return without_metadata(checked)
