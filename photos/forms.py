from django import forms

from .models import Photo
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


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = "__all__"
        field_classes = {"image": ImageUploadField}
