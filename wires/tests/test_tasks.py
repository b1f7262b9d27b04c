"""Polling on the worker: the tasks, `ingest --due`, and the clock's tick."""

import io
import shutil
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from wires import tasks
from wires.models import IngestedItem, WireSource

from .conftest import DATA

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def drop_folder(tmp_path, settings):
    settings.NEWSROOM_WIRE_DROP_ROOT = tmp_path
    (tmp_path / "ewa").mkdir()
    shutil.copy(DATA / "newsml-tass-kim.xml", tmp_path / "ewa" / "kim.xml")
    return tmp_path / "ewa"


def test_poll_source_ingests_the_folder_and_notes_the_poll(make_source, drop_folder):
    source = make_source(folder=str(drop_folder))
    assert tasks.poll_source.call(source.pk) == {"items": 3, "failed": 0}
    source.refresh_from_db()
    assert source.last_polled_at is not None and source.last_error == ""
    assert Article.objects.count() == 2


def test_polling_twice_changes_nothing(make_source, drop_folder):
    source = make_source(folder=str(drop_folder))
    tasks.poll_source.call(source.pk)
    versions = list(Article.objects.order_by("pk").values_list("version", flat=True))
    tasks.poll_source.call(source.pk)
    assert list(Article.objects.order_by("pk").values_list("version", flat=True)) == versions
    assert IngestedItem.objects.count() == 2


def test_a_source_reads_a_folder_given_relative_to_the_drop_folder(make_source, drop_folder):
    source = make_source(folder="ewa")
    assert tasks.poll_source.call(source.pk) == {"items": 3, "failed": 0}


def test_a_source_cannot_read_a_folder_outside_the_drop_folder(make_source, drop_folder):
    source = make_source(folder=str(DATA))
    with pytest.raises(ValidationError, match="Give a folder under"):
        source.full_clean()
    assert tasks.poll_source.call(source.pk) == {"items": 1, "failed": 1}
    source.refresh_from_db()
    assert "is not under the wire drop folder" in source.last_error
    sneaky = make_source(name="sneaky", folder="ewa/../../", organisation=None)
    with pytest.raises(ValidationError):
        sneaky.full_clean()
    assert Article.objects.count() == 0


def test_a_failing_poll_is_noted_on_the_source(make_source, drop_folder):
    (drop_folder / "bad.json").write_text("{")
    source = make_source(folder=str(drop_folder))
    assert tasks.poll_source.call(source.pk) == {"items": 4, "failed": 1}
    source.refresh_from_db()
    assert "bad.json" in source.last_error and "not valid JSON" in source.last_error


def test_a_disabled_or_missing_source_is_not_polled(make_source, drop_folder):
    source = make_source(folder=str(drop_folder), is_enabled=False)
    assert tasks.poll_source.call(source.pk) == {"items": 0, "failed": 0}
    assert tasks.poll_source.call(source.pk + 100) == {"items": 0, "failed": 0}
    assert Article.objects.count() == 0


def test_due_sources_are_those_enabled_whose_interval_has_passed(make_source, make_organisation, make_section):
    now = timezone.now()
    never = make_source(name="never polled", folder="/x")
    overdue = make_source(name="overdue", folder="/y", organisation=None, last_polled_at=now - timedelta(minutes=10))
    make_source(name="fresh", folder="/z", organisation=None, last_polled_at=now - timedelta(minutes=1))
    make_source(name="off", folder="/w", organisation=None, is_enabled=False)
    assert set(WireSource.objects.due()) == {never, overdue}


def test_poll_due_sources_enqueues_a_poll_of_each_due_source(make_source, monkeypatch):
    due = make_source(name="due", folder="/x")
    make_source(name="off", folder="/y", organisation=None, is_enabled=False)
    enqueued = []

    class Recorder:
        def enqueue(self, source_id):
            enqueued.append(source_id)

    monkeypatch.setattr(tasks, "poll_source", Recorder())
    assert tasks.poll_due_sources.call() == [due.pk]
    assert enqueued == [due.pk]


def test_ingest_due_enqueues_the_polling(make_source, drop_folder, settings, capsys):
    settings.TASKS = IMMEDIATE
    make_source(folder=str(drop_folder))
    call_command("ingest", due=True)
    assert "enqueued" in capsys.readouterr().out
    assert Article.objects.count() == 2


def test_each_tick_of_the_clock_polls_the_due_sources(make_source, drop_folder, settings):
    settings.TASKS = IMMEDIATE
    make_source(folder=str(drop_folder))
    call_command("tick", stdout=io.StringIO())
    assert Article.objects.count() == 2
    call_command("tick", stdout=io.StringIO())
    assert Article.objects.count() == 2  # Not due again yet, and the same items change nothing.
