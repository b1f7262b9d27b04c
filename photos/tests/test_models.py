from functools import partial
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage, storages
from django.db import IntegrityError

from photos.models import Photo, private_storage

pytestmark = pytest.mark.django_db


def test_database_refuses_a_photo_without_alt_text(make_photo):
    photo = make_photo()
    with pytest.raises(IntegrityError):
        Photo.objects.filter(pk=photo.pk).update(alt_text="")


def test_model_validation_asks_for_alt_text(make_photo):
    photo = make_photo()
    photo.alt_text = ""
    with pytest.raises(ValidationError) as error:
        photo.full_clean()
    assert "alt_text" in error.value.message_dict


def test_label_is_the_alt_text_with_the_credit(make_photo):
    assert str(make_photo(alt_text="Kim waves", credit="KCNA")) == "Kim waves (KCNA)"
    assert str(make_photo(alt_text="Kim waves", credit="")) == "Kim waves"


@pytest.mark.parametrize(
    ("credit", "photographer", "source", "expected"),
    [
        ("Reuters/Jane Doe", "Someone else", "AP", "Reuters/Jane Doe"),
        ("", "Jane Doe", "Reuters", "Jane Doe/Reuters"),
        ("", "Jane Doe", None, "Jane Doe"),
        ("", None, "Reuters", "Reuters"),
        ("", None, None, ""),
    ],
)
def test_credit_line(make_photo, make_author, make_organisation, credit, photographer, source, expected):
    photo = make_photo(
        credit=credit,
        photographer=make_author(name=photographer) if photographer else None,
        source_organisation=make_organisation(name=source) if source else None,
    )
    assert photo.credit_line == expected


def test_credit_line_prefers_the_agencys_short_name(make_photo, make_organisation):
    agency = make_organisation(name="Korean Central News Agency", short_name="KCNA")
    photo = make_photo(credit="", source_organisation=agency)
    assert photo.credit_line == "KCNA"


def stored_paths(photo):
    return [Path(storage.path(name)) for storage, name in photo.stored_files()]


def test_deleting_a_photo_removes_its_original_and_renditions(make_photo, django_capture_on_commit_callbacks):
    photo, other = make_photo(), make_photo()
    paths = stored_paths(photo)
    assert len(paths) == 5 and all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()

    assert not any(path.exists() for path in paths)
    assert all(path.exists() for path in stored_paths(other))


def test_deleting_photos_in_bulk_removes_their_files(make_photo, django_capture_on_commit_callbacks):
    photos = [make_photo(), make_photo()]
    paths = [path for photo in photos for path in stored_paths(photo)]

    with django_capture_on_commit_callbacks(execute=True):
        Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()

    assert not Photo.objects.exists()
    assert not any(path.exists() for path in paths)


def test_files_are_deleted_only_once_the_deletion_is_committed(make_photo, django_capture_on_commit_callbacks):
    photo = make_photo()
    paths = stored_paths(photo)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.delete()

    # One deletion for each file (the original and four renditions); the page cache purges too.
    assert sum(isinstance(callback, partial) for callback in callbacks) == 5
    assert all(path.exists() for path in paths)  # Nothing is deleted before the commit.


def test_originals_use_the_private_storage_and_renditions_the_default(make_photo):
    photo = make_photo()
    assert photo.image.storage is storages["private"]
    assert all(rendition.file.storage is default_storage for rendition in photo.renditions.all())


def test_the_private_storage_is_named_in_migrations_not_resolved():
    _name, _path, _args, kwargs = Photo._meta.get_field("image").deconstruct()
    assert kwargs["storage"] is private_storage
