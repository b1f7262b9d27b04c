"""
Backup archives: one .tar.gz of the database and the media, and the way back.

An archive holds, in this order:

- `data.jsonl`: every row, in Django's JSON Lines serialisation, so an archive made on
  SQLite loads into PostgreSQL and back;
- `media/<name>`: every stored file a row refers to (photo originals and renditions,
  author portraits, organisation logos), read through its field's storage;
- `manifest.json`: the format, when the archive was made, the migrations applied in
  each app, the rows of each model, and the size and SHA-256 of every other member.
  It comes last because it describes everything before it.

Left out: the search index and the cache, which are derived (a restore rebuilds the
one and purges the other), sessions (live logins: worthless once restored, and a risk
in every copy of the archive) and editors' presence on change forms (minutes old).

A restore refuses, before it writes anything, an archive that is truncated or corrupt,
one whose migrations differ from the database's, a database holding anything `migrate`
did not make, and media that would overwrite a stored file. It then loads the rows in
one transaction, rebuilds the search index, and stores the media last, deleting what
it stored if anything fails before the commit.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core import serializers
from django.core.cache import cache
from django.core.files import File
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLinesSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone

from articles.models import Section
from pagecache.state import purge
from search.backends import rebuild_index

FORMAT = 1
DATA = "data.jsonl"
MANIFEST = "manifest.json"
MEDIA = "media/"

# Short-lived rows that mean nothing once restored; sessions would also put live logins
# into every copy of the archive.
LEFT_OUT = {"sessions.session", "editing.articlepresence"}

# Rows `migrate` makes in every database, under ids of its own. The archive names them
# (and every reference to them) by natural key, so a restore lands on the new database's
# rows instead of colliding with them.
MADE_BY_MIGRATE = (ContentType, Permission, Group)

ROWS_PER_QUERY = 2000
COPY_BUFFER = 1024 * 1024
# A media file is held in memory up to this size while its checksum is checked, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024


class BackupError(Exception):
    """An archive that cannot be made or restored; the message says why, in one line."""


class Encoder(DjangoJSONEncoder):
    """Write times to the microsecond (DjangoJSONEncoder keeps milliseconds), so a restore gives back what was stored."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONLinesSerializer):
    """Django's JSON Lines, with natural keys only for what `migrate` makes."""

    def _model_supports_natural_key(self, model):
        # Users and everything else keep their ids in a restore, so references to them stay
        # ids: a natural key would cost a query per row on the way out and on the way in.
        # (A private hook: were Django to rename it, users would go by natural key, slower but as correct.)
        return issubclass(model, MADE_BY_MIGRATE) and super()._model_supports_natural_key(model)


class HashingReader:
    """Read through a binary file, keeping the SHA-256 of what was read."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.file.read(size)
        self.sha256.update(chunk)
        return chunk

    def hexdigest(self):
        return self.sha256.hexdigest()


def _is_backed_up(model, using):
    return (
        # Unmanaged models (SQLite's full-text index) and proxies have no rows of their own.
        model._meta.can_migrate(connections[using])
        and router.allow_migrate_model(using, model)
        and model._meta.label_lower not in LEFT_OUT
    )


def backed_up_models(using=DEFAULT_DB_ALIAS):
    """Return the models whose rows an archive holds, each after the models its natural keys name."""
    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()], allow_cycles=True)
    return [model for model in ordered if _is_backed_up(model, using)]


def applied_migrations(using=DEFAULT_DB_ALIAS):
    """Return the names of the migrations applied to the database, by app."""
    applied = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _natural_key_relations(model):
    """Return the foreign keys of `model` that the serializer writes as natural keys, to load them with the row."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one and issubclass(field.related_model, MADE_BY_MIGRATE)
    ]


def _loaded_with_natural_keys(queryset):
    """Load with each row the rows its natural-key references read, so writing them costs no query a row."""
    if relations := _natural_key_relations(queryset.model):
        return queryset.select_related(*relations)
    return queryset


def _queryset(model, using):
    """Return every row of `model` in primary-key order, with what writing it reads loaded alongside."""
    queryset = _loaded_with_natural_keys(model._base_manager.using(using).order_by("pk"))
    for field in model._meta.local_many_to_many:
        if field.serialize and field.remote_field.through._meta.auto_created:
            related = _loaded_with_natural_keys(field.related_model._base_manager.all())
            queryset = queryset.prefetch_related(Prefetch(field.name, queryset=related))
    return queryset


def _fields_to_write(model):
    """Return the names of the fields to write, or None for all: a search vector is derived, and rebuilt on restore."""
    derived = [field for field in model._meta.local_fields if isinstance(field, SearchVectorField)]
    if not derived:
        return None
    return [
        field.name for field in (*model._meta.local_fields, *model._meta.local_many_to_many) if field not in derived
    ]


def _rows(model, using, counts, files):
    """Yield every row of `model`, counting them and noting the stored files they refer to."""
    label = model._meta.label_lower
    file_fields = [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
    counts[label] = 0
    for row in _queryset(model, using).iterator(chunk_size=ROWS_PER_QUERY):
        counts[label] += 1
        for field in file_fields:
            if name := getattr(row, field.attname).name:
                files.setdefault(name, field)
        yield row


def dump(stream, using=DEFAULT_DB_ALIAS):
    """Write every row to the text `stream`; return the rows per model and the stored files ({name: field})."""
    serializer = Serializer()
    counts, files = {}, {}
    for model in backed_up_models(using):
        serializer.serialize(
            _rows(model, using, counts, files),
            stream=stream,
            fields=_fields_to_write(model),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=issubclass(model, MADE_BY_MIGRATE),
            cls=Encoder,
        )
    return counts, files


@contextmanager
def snapshot(using=DEFAULT_DB_ALIAS):
    """Read inside one transaction that sees the database as it was at its start, whatever commits meanwhile."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    # SQLite's transactions see one state already (WAL), but the site's begin by taking the
    # write lock (IMMEDIATE), which would hold every editor's save off for the whole backup:
    # this one only reads, so it begins as a reader.
    mode = getattr(connection, "transaction_mode", None)
    if outermost and connection.vendor == "sqlite":
        connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic(using=using):
            if outermost and connection.vendor == "postgresql":
                # PostgreSQL's default, read committed, would show each table as of its own query.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    finally:
        if outermost and connection.vendor == "sqlite":
            connection.transaction_mode = mode


def _field_label(field):
    return f"{field.model._meta.label_lower}.{field.name}"


def _storage(label):
    """Return the storage of the file field named `label` ("photos.photo.image")."""
    app_label, model_name, field_name = label.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name).storage


def _add(archive, name, file, size, mtime):
    """Add `size` bytes read from `file` to the archive as `name`; return the member's size and SHA-256."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime.timestamp()), 0o600
    reader = HashingReader(file)
    archive.addfile(info, reader)
    return {"size": size, "sha256": reader.hexdigest()}


def write_archive(file, using=DEFAULT_DB_ALIAS):
    """Write an archive of database `using` and the media its rows refer to into the binary `file`; return the manifest."""
    created_at = timezone.now()
    members, missing = {}, []
    # The rows go to a temporary file first: a tar member's size comes before its content.
    with tempfile.TemporaryFile() as data:
        text = io.TextIOWrapper(data, encoding="utf-8", newline="\n")
        with snapshot(using):
            migrations = applied_migrations(using)
            counts, files = dump(text, using)
        text.detach()  # Flushes, and leaves `data` open.
        size = data.tell()
        data.seek(0)
        # Photos and renditions are compressed already; gzip's default level 9 would only cost time.
        with tarfile.open(fileobj=file, mode="w:gz", compresslevel=6) as archive:
            members[DATA] = _add(archive, DATA, data, size, created_at)
            # Files are read after the transaction, so a long copy never holds the database.
            for name, field in sorted(files.items()):
                storage = field.storage
                if not storage.exists(name):
                    missing.append(name)
                    continue
                with storage.open(name, "rb") as stored:
                    member = _add(archive, MEDIA + name, stored, storage.size(name), created_at)
                members[MEDIA + name] = {**member, "field": _field_label(field)}
            manifest = {
                "format": FORMAT,
                "created_at": created_at.isoformat(),
                "database": connections[using].vendor,
                "migrations": migrations,
                "counts": counts,
                "files": members,
                "missing_media": missing,
            }
            content = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            _add(archive, MANIFEST, io.BytesIO(content), len(content), created_at)
    return manifest


def _check_member(path, member):
    """Refuse a member we never write: not a plain file, or a name that could reach outside the media."""
    parts = PurePosixPath(member.name).parts
    is_media = len(parts) > 1 and parts[0] + "/" == MEDIA and ".." not in parts
    if not member.isfile() or not (member.name in {DATA, MANIFEST} or is_media):
        raise BackupError(f"{path} is not a Newsroom backup: it holds {member.name!r}.")


def _open_archive(path):
    try:
        return open(path, "rb")
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error


def read_archive(path, data_path=None):
    """
    Read the archive at `path` through, copying its rows to `data_path` if given, and return its
    manifest once every member matches the size and SHA-256 the manifest records. Raise BackupError
    for an archive that is truncated, corrupt, or not a Newsroom backup.
    """
    found, manifest = {}, None
    try:
        with _open_archive(path) as file, tarfile.open(fileobj=file, mode="r|gz") as archive:
            for member in archive:
                _check_member(path, member)
                if member.name in found or (member.name == MANIFEST and manifest is not None):
                    raise BackupError(f"{path} is corrupt: it holds {member.name} twice.")
                content = archive.extractfile(member)
                if member.name == MANIFEST:
                    manifest = content.read()
                    continue
                reader = HashingReader(content)
                if member.name == DATA and data_path is not None:
                    with open(data_path, "wb") as copy:
                        shutil.copyfileobj(reader, copy, COPY_BUFFER)
                else:
                    while reader.read(COPY_BUFFER):
                        pass
                found[member.name] = {"size": member.size, "sha256": reader.hexdigest()}
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{path} is truncated or corrupt ({error}).") from error
    if manifest is None:
        # tarfile takes a damaged header for the end of the archive, and the manifest comes last.
        raise BackupError(f"{path} is truncated or corrupt: it has no manifest.")
    try:
        manifest = json.loads(manifest)
        version = manifest["format"]
        expected = {
            name: {"size": entry["size"], "sha256": entry["sha256"]} for name, entry in manifest["files"].items()
        }
        if not (isinstance(manifest["migrations"], dict) and isinstance(manifest["counts"], dict)):
            raise TypeError("migrations and counts must be objects")
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise BackupError(f"{path} has a corrupt manifest ({error!r}).") from error
    if version != FORMAT:
        raise BackupError(f"{path} is in backup format {version}; this version of Newsroom reads format {FORMAT}.")
    for name in sorted(expected.keys() | found.keys()):
        if name not in found:
            raise BackupError(f"{path} is truncated: {name} is missing.")
        if name not in expected:
            raise BackupError(f"{path} is corrupt: {name} is not in its manifest.")
        if found[name] != expected[name]:
            raise BackupError(f"{path} is corrupt: {name} does not match its checksum.")
    if DATA not in found:
        raise BackupError(f"{path} is corrupt: it holds no {DATA}.")
    return manifest


def _some(names, shown=3):
    listed = ", ".join(names[:shown])
    return f"{listed}, …" if len(names) > shown else listed


def check_schema(manifest, using=DEFAULT_DB_ALIAS):
    """Refuse an archive whose migrations differ from the database's: its rows would not fit the tables as they are."""
    archived = {(app_label, name) for app_label, names in manifest["migrations"].items() for name in names}
    applied = set(MigrationRecorder(connections[using]).applied_migrations())
    if not applied:
        raise BackupError("The database has no tables yet: run `manage.py migrate`, then restore.")
    if lacking := sorted(f"{app_label}.{name}" for app_label, name in archived - applied):
        raise BackupError(
            f"The archive comes from a newer schema: this database lacks {len(lacking)} of its migrations "
            f"({_some(lacking)}). Install the version of Newsroom that made it and run `manage.py migrate` first."
        )
    if extra := sorted(f"{app_label}.{name}" for app_label, name in applied - archived):
        raise BackupError(
            f"The archive comes from an older schema: this database has {len(extra)} migration(s) it lacks "
            f"({_some(extra)}). Restore it with the version of Newsroom that made it, then upgrade."
        )


def check_database_is_empty(using=DEFAULT_DB_ALIAS):
    """Refuse a database holding anything `migrate` did not make: a restore fills an empty database, it merges nothing."""
    held = []
    # In INSTALLED_APPS order, which names users before the content they made.
    for model in apps.get_models():
        if not _is_backed_up(model, using) or issubclass(model, MADE_BY_MIGRATE):
            continue
        if count := model._base_manager.using(using).count():
            noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            held.append(f"{count} {noun}")
    if held:
        raise BackupError(
            f"The database is not empty (it holds {_some(held)}): restore only into a new one. "
            "Create it, run `manage.py migrate`, then restore."
        )


def _media(manifest):
    """Yield (member name, stored name, entry) for each media file in the archive."""
    for member_name, entry in manifest["files"].items():
        if member_name.startswith(MEDIA):
            yield member_name, member_name.removeprefix(MEDIA), entry


def check_media_is_free(manifest):
    """Refuse to restore media over files already stored."""
    taken = sorted(name for _member, name, entry in _media(manifest) if _storage(entry["field"]).exists(name))
    if taken:
        raise BackupError(
            f"{len(taken)} of the archive's media files exist already ({_some(taken)}). "
            "Restore into an empty media folder, or move those files away."
        )


def _one_line(error):
    return " ".join(str(error).split())


def _load(data_path, manifest, using):
    """Load the rows, and check that each model holds as many as the archive says."""
    try:
        call_command("loaddata", os.fspath(data_path), database=using, verbosity=0)
    except Exception as error:
        raise BackupError(f"The archive's rows did not load, so nothing was restored: {_one_line(error)}") from error
    for label, expected in manifest["counts"].items():
        model = apps.get_model(label)
        count = model._base_manager.using(using).count()
        # What `migrate` made may outnumber the archive's: a permission since deleted from a model's Meta, say.
        if count != expected and not (issubclass(model, MADE_BY_MIGRATE) and count > expected):
            raise BackupError(
                f"{label} holds {count} rows after loading, not the archive's {expected}; nothing was restored."
            )


def _store_media(path, manifest, stored):
    """Store every media file under its own name, appending (storage, name) to `stored` as each lands."""
    entries = manifest["files"]
    with _open_archive(path) as file, tarfile.open(fileobj=file, mode="r|gz") as archive:
        for member in archive:
            if not member.name.startswith(MEDIA):
                continue
            entry, name = entries[member.name], member.name.removeprefix(MEDIA)
            storage = _storage(entry["field"])
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
                reader = HashingReader(archive.extractfile(member))
                shutil.copyfileobj(reader, spool, COPY_BUFFER)
                # Checked again: nothing unverified is stored, even if the archive changed since it was read.
                if reader.hexdigest() != entry["sha256"]:
                    raise BackupError(f"{path} changed while it was restored: {member.name} no longer matches.")
                spool.seek(0)
                saved = storage.save(name, File(spool, name=name))
            stored.append((storage, saved))
            if saved != name:
                raise BackupError(f"{name} appeared in the media storage while it was restored.")


def _forget_cached_pages():
    # The cache may hold pages and navigation shown before the restore, an empty site say.
    purge()
    cache.delete(Section.NAVIGATION_CACHE_KEY)


def restore_archive(path, using=DEFAULT_DB_ALIAS):
    """
    Fill the empty database `using` and the media storage from the archive at `path`;
    return its manifest and the number of articles indexed for search.
    """
    with tempfile.TemporaryDirectory(prefix="newsroom-restore-") as folder:
        data_path = Path(folder) / DATA
        manifest = read_archive(path, data_path)
        check_schema(manifest, using)
        check_database_is_empty(using)
        check_media_is_free(manifest)
        stored = []
        try:
            with transaction.atomic(using=using):
                _load(data_path, manifest, using)
                # Fixture loads skip the index and the page cache (see their receivers): do each once.
                indexed = rebuild_index(using)
                transaction.on_commit(_forget_cached_pages, using=using, robust=True)
                _store_media(path, manifest, stored)
        except BaseException:
            for storage, name in stored:
                # Best effort: the error that stopped the restore is the one to report.
                with suppress(Exception):
                    storage.delete(name)
            raise
    return manifest, indexed
