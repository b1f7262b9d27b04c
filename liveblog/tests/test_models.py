import pytest
from django.utils import timezone

from liveblog.models import Entry, EntryConflict


def test_entry_text_is_sanitised(live_blog):
    entry = Entry.objects.create(
        live_blog=live_blog, text='<p onclick="x()">Polls close.<script>alert(1)</script></p><iframe src="x"></iframe>'
    )
    entry.refresh_from_db()
    assert entry.text == "<p>Polls close.</p>"


def test_each_save_claims_a_version(live_blog):
    entry = Entry.objects.create(live_blog=live_blog, text="<p>One.</p>")
    entry.text = "<p>Two.</p>"
    entry.save()
    entry.refresh_from_db()
    assert entry.version == 2


def test_a_stale_copy_is_refused_and_the_newer_text_kept(live_blog):
    entry = Entry.objects.create(live_blog=live_blog, text="<p>Original.</p>")
    mine, theirs = Entry.objects.get(pk=entry.pk), Entry.objects.get(pk=entry.pk)
    theirs.text = "<p>Their correction.</p>"
    theirs.save()
    mine.text = "<p>My correction.</p>"
    with pytest.raises(EntryConflict):
        mine.save()
    assert Entry.objects.get(pk=entry.pk).text == "<p>Their correction.</p>"
    assert mine.text == "<p>My correction.</p>"


def test_two_entries_posted_at_once_are_both_kept(live_blog):
    at = timezone.now()
    Entry.objects.create(live_blog=live_blog, text="<p>First.</p>", created_at=at)
    Entry.objects.create(live_blog=live_blog, text="<p>Second.</p>", created_at=at)
    assert live_blog.entries.count() == 2


def test_a_late_edit_is_marked_as_a_correction(live_blog, add_entries):
    (entry,) = add_entries(live_blog, 1)
    assert not entry.was_edited
    entry.text = "<p>Corrected.</p>"
    entry.save()
    assert entry.was_edited


def test_ending_stops_the_coverage(live_blog, editor):
    assert live_blog.is_live
    live_blog.end(editor)
    live_blog.refresh_from_db()
    assert not live_blog.is_live
    assert live_blog.coverage_ended_at is not None
    assert live_blog.ended_by == editor


def test_who_may_post(live_blog, reporter, other_reporter, editor, make_user):
    assert live_blog.may_post(reporter)
    assert live_blog.may_post(editor)
    assert not live_blog.may_post(other_reporter)
    assert not live_blog.may_post(make_user(username="nobody"))
    live_blog.end(editor)
    assert not live_blog.may_post(reporter)
    assert not live_blog.may_post(editor)


def test_highlights_are_key_events_and_pinned_entries(live_blog, add_entries):
    _plain, key, pinned = add_entries(live_blog, 3)
    Entry.objects.filter(pk=key.pk).update(is_key_event=True)
    Entry.objects.filter(pk=pinned.pk).update(is_pinned=True)
    assert list(live_blog.entries.highlights()) == [pinned, key]
