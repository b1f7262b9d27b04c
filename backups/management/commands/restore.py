from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from backups.archive import BackupError, read_archive, restore_archive


class Command(BaseCommand):
    help = (
        "Fill an empty, freshly migrated database and an empty media storage from an archive "
        "made by `manage.py backup`. Refuses, writing nothing, a truncated or corrupt archive, "
        "one from another schema, a database that is not empty, and media that would overwrite files."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz file `manage.py backup` wrote.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the archive is whole (every size and checksum) and say what it holds; write nothing.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to restore into.")

    def handle(self, *args, archive, check, database, **options):
        try:
            if check:
                manifest = read_archive(archive)
            else:
                manifest, indexed = restore_archive(archive, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        media = len(manifest["files"]) - 1
        made = f"made {manifest['created_at']} on {manifest['database']}"
        if check:
            self.stdout.write(f"{archive} is whole ({made}): {rows} rows and {media} media files.")
        else:
            self.stdout.write(
                f"Restored {rows} rows and {media} media files from {archive} ({made}); "
                f"indexed {indexed} articles for search."
            )
