from django import forms

from images.forms import ImageUploadField

from .models import Photo


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = "__all__"
        field_classes = {"image": ImageUploadField}
