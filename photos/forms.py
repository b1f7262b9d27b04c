from dataclasses import dataclass

from django import forms

from images.forms import ImageUploadField

from .models import Photo


@dataclass(frozen=True)
class LinkedFile:
    """A stored file as an upload box shows it: its name, linked to `url`."""

    name: str
    url: str

    def __str__(self):
        return self.name


class OriginalFileInput(forms.ClearableFileInput):
    """
    The original's upload box. Its "Currently" link opens `original_url`, the admin
    view that signs a fresh address on each click, rather than an address signed when
    the page was drawn, which would expire while the page stays open.
    """

    original_url = ""

    def format_value(self, value):
        value = super().format_value(value)
        if value is not None and self.original_url:
            return LinkedFile(name=value.name, url=self.original_url)
        return value


class PhotoForm(forms.ModelForm):
    # Set by the admin when the media storage refused the file (full, read-only): the
    # form is shown again with this error, keeping what was typed.
    storage_refusal = None

    class Meta:
        model = Photo
        fields = "__all__"
        field_classes = {"image": ImageUploadField}
        widgets = {"image": OriginalFileInput}

    def clean(self):
        if self.storage_refusal:
            raise forms.ValidationError(self.storage_refusal, code="storage")
        return super().clean()
