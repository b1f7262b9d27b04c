import factory

from photos.models import Photo
from photos.tests.images import image_upload


class PhotoFactory(factory.django.DjangoModelFactory):
    """A library photo of a plain image, with its renditions."""

    class Meta:
        model = Photo
        skip_postgeneration_save = True

    class Params:
        size = (600, 400)

    image = factory.LazyAttribute(lambda photo: image_upload(size=photo.size))
    alt_text = factory.Sequence(lambda n: f"A plain teal picture, number {n}")
    caption = "What the picture shows."
    credit = "Newsroom/Staff"

    @factory.post_generation
    def renditions(photo, create, extracted, **kwargs):
        """
        Make the renditions now. Saving a photo leaves them to the worker once the
        transaction commits, which a test's transaction never does.
        """
        if create:
            photo.ensure_renditions()
