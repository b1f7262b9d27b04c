import factory

from photos.models import Photo
from photos.tests.images import image_upload


class PhotoFactory(factory.django.DjangoModelFactory):
    """A library photo of a plain image; saving it makes its renditions."""

    class Meta:
        model = Photo

    class Params:
        size = (600, 400)

    image = factory.LazyAttribute(lambda photo: image_upload(size=photo.size))
    alt_text = factory.Sequence(lambda n: f"A plain teal picture, number {n}")
    caption = "What the picture shows."
    credit = "Newsroom/Staff"
