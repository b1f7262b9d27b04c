from django.db import models
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor


def stored_name(value):
    """Return the name of the stored file `value` is (a name, or a file already saved), else None."""
    if isinstance(value, str):
        return value
    return value.name if getattr(value, "_committed", False) else None  # None too has no _committed.


class SameFileKeepsItsSize(ImageFileDescriptor):
    def __set__(self, instance, value):
        held = stored_name(instance.__dict__.get(self.field.attname))
        if held and stored_name(value) == held:
            FileDescriptor.__set__(self, instance, value)  # Its stored width and height stand.
        else:
            super().__set__(instance, value)


class MeasuredOnceImageField(models.ImageField):
    """
    An ImageField with width and height fields that measures an image when it is given
    one, not again each time the file it holds is set back. Django's sets it back, and
    opens the file to measure it, whenever the model is validated, saved by a form or
    read again from the database: for a caption's edit, the whole original fetched from
    S3, and a failed save if it was lost.
    """

    descriptor_class = SameFileKeepsItsSize
