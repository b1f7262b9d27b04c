from django.apps import AppConfig
from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _
from PIL import Image


def apply_pixel_limit(setting="NEWSROOM_MAX_IMAGE_PIXELS", **kwargs):
    """Keep Pillow's decompression-bomb guard at the newsroom's pixel limit."""
    if setting == "NEWSROOM_MAX_IMAGE_PIXELS":
        Image.MAX_IMAGE_PIXELS = settings.NEWSROOM_MAX_IMAGE_PIXELS


class ImagesConfig(AppConfig):
    # An app only for ready(): Pillow's guard is process-wide and protects every
    # image the site opens (photos, portraits, logos), so it is set by the package
    # that opens them rather than by one of the apps that use it.
    name = "images"
    verbose_name = _("Images")

    def ready(self):
        apply_pixel_limit()
        # Tests change the limit with override_settings; keep Pillow in step.
        setting_changed.connect(apply_pixel_limit, dispatch_uid="images_pixel_limit")
