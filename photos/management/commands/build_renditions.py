"""Make the renditions photos lack, for example after the photo library was created from older images."""

from django.core.management.base import BaseCommand, CommandError
from PIL import Image

from photos.models import Photo

# What reading a stored original can fail with: missing, not an image, damaged, or too large to open safely.
UNREADABLE = (OSError, SyntaxError, ValueError, Image.DecompressionBombError)


class Command(BaseCommand):
    help = "Make the renditions photos lack and replace out-of-date ones. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("photo_ids", nargs="*", type=int, help="Only these photos (default: every photo).")
        parser.add_argument(
            "--recheck",
            action="store_true",
            help="Read every original, even with a full set of renditions: needed after the rendition widths change.",
        )

    def handle(self, *args, photo_ids=(), recheck=False, **options):
        photos = Photo.objects.order_by("pk")
        if photo_ids:
            photos = photos.filter(pk__in=photo_ids)
        made = checked = 0
        failed = []
        for photo in photos.iterator():
            checked += 1
            try:
                made += photo.ensure_renditions(recheck=recheck)
            except UNREADABLE as error:
                failed.append(photo.pk)
                self.stderr.write(f"Photo {photo.pk} ({photo.image.name}): {error}")
        self.stdout.write(f"Checked {checked} photos; made {made} renditions.")
        if failed:
            raise CommandError(
                f"{len(failed)} photos could not be read: {', '.join(map(str, failed))}. "
                "Replace their images in the admin, then run this command again."
            )
