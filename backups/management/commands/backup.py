import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from backups.archive import write_archive


def archive_path(destination):
    """Return the archive's path: `destination` itself, or a name with the time in it inside that folder."""
    if destination.is_dir():
        return destination / f"newsroom-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"
    return destination


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the database and every media file it refers to, "
        "for `manage.py restore`. The search index and the cache are left out: restore rebuilds them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            default=".",
            help="A folder to write newsroom-<UTC time>.tar.gz into (the current one by default), or a file name.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *args, destination, database, **options):
        path = archive_path(Path(destination))
        if path.exists():
            raise CommandError(f"{path} exists already; give another name.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        # Written under a temporary name and renamed when complete, so no half-written
        # archive ever bears the name a schedule copies or keeps. mkstemp makes it 0600:
        # the archive holds password hashes and readers' email addresses.
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        try:
            with os.fdopen(descriptor, "wb") as file:
                manifest = write_archive(file, using=database)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        rows = sum(manifest["counts"].values())
        media = len(manifest["files"]) - 1
        self.stdout.write(f"Wrote {path}: {rows} rows of {len(manifest['counts'])} models and {media} media files.")
        if missing := manifest["missing_media"]:
            shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
            self.stderr.write(
                f"The storage lacks {len(missing)} of the media files the database refers to, "
                f"so the archive lacks them too: {shown}"
            )
