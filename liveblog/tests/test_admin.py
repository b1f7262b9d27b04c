from django.urls import reverse

from liveblog.admin import EntryAdmin
from liveblog.models import Entry, LiveBlog


def change_url(live_blog):
    return reverse("admin:liveblog_liveblog_change", args=[live_blog.pk])


def post_entry(client, live_blog, text, **fields):
    """Post the live blog's change form with one new entry, as the "add entry" row does."""
    data = {
        "coverage_started_at_0": live_blog.coverage_started_at.strftime("%Y-%m-%d"),
        "coverage_started_at_1": live_blog.coverage_started_at.strftime("%H:%M:%S"),
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
        "entries-0-text": text,
        "entries-0-live_blog": str(live_blog.pk),
    }
    for name, value in fields.items():
        data[f"entries-0-{name}"] = value
    return client.post(change_url(live_blog), data)


def test_the_reporter_of_the_story_posts_entries(client, live_blog, reporter):
    client.force_login(reporter)
    assert client.get(change_url(live_blog)).status_code == 200
    response = post_entry(client, live_blog, "<p>Polls have closed.<script>alert(1)</script></p>", is_key_event="on")
    assert response.status_code == 302, response.context["errors"] if response.context else response
    entry = live_blog.entries.get()
    assert entry.text == "<p>Polls have closed.</p>"
    assert entry.created_by == reporter
    assert entry.author == reporter.author
    assert entry.is_key_event
    response = post_entry(client, live_blog, "<p>Turnout is high.</p>")
    assert response.status_code == 302
    assert live_blog.entries.count() == 2
    page = client.get(change_url(live_blog)).text
    listed = page.split("Entries posted, newest first")[1]
    assert listed.index("Turnout is high.") < listed.index("Polls have closed.")
    assert 'name="entries-0-text"' in page and 'name="entries-1-text"' not in page


def test_an_editor_posts_entries_on_any_live_blog(client, live_blog, editor):
    client.force_login(editor)
    assert post_entry(client, live_blog, "<p>From the desk.</p>").status_code == 302
    assert live_blog.entries.get().created_by == editor


def test_a_reporter_who_may_not_change_the_story_cannot_post(client, live_blog, other_reporter):
    client.force_login(other_reporter)
    assert post_entry(client, live_blog, "<p>Not mine.</p>").status_code == 403
    assert not live_blog.entries.exists()


def test_an_anonymous_visitor_cannot_post(client, live_blog):
    response = post_entry(client, live_blog, "<p>Hello.</p>")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not live_blog.entries.exists()


def test_no_entries_once_the_coverage_has_ended(client, live_blog, reporter, editor):
    live_blog.end(editor)
    client.force_login(reporter)
    assert post_entry(client, live_blog, "<p>Too late.</p>").status_code == 403
    assert not live_blog.entries.exists()


def test_a_stale_correction_is_refused_with_the_text_kept(client, live_blog, editor):
    entry = Entry.objects.create(live_blog=live_blog, text="<p>Original.</p>")
    url = reverse("admin:liveblog_entry_change", args=[entry.pk])
    client.force_login(editor)
    opened = client.get(url)
    assert 'name="loaded_version" value="1"' in opened.text
    Entry.objects.get(pk=entry.pk).save()  # Someone else corrects it meanwhile.
    response = client.post(url, {"text": "<p>My correction.</p>", "loaded_version": "1"})
    assert response.status_code == 200
    assert "Someone else changed this entry since you opened it" in response.text
    assert "My correction." in response.text
    assert Entry.objects.get(pk=entry.pk).text == "<p>Original.</p>"
    # Having seen it, saving again (with the version now shown) keeps the editor's text.
    response = client.post(url, {"text": "<p>My correction.</p>", "loaded_version": "2"})
    assert response.status_code == 302
    assert Entry.objects.get(pk=entry.pk).text == "<p>My correction.</p>"
    # A correction that does not say which version it started from is refused too.
    assert client.post(url, {"text": "<p>Blind.</p>"}).status_code == 200
    assert Entry.objects.get(pk=entry.pk).text == "<p>My correction.</p>"


def test_a_correction_keeps_the_entry_as_it_was_with_who_and_when(client, live_blog, editor):
    entry = Entry.objects.create(live_blog=live_blog, text="<p>Turnout was 48%.</p>")
    url = reverse("admin:liveblog_entry_change", args=[entry.pk])
    client.force_login(editor)

    assert client.post(url, {"text": "<p>Turnout was 46%.</p>", "loaded_version": "1"}).status_code == 302
    assert client.post(url, {"text": "<p>Turnout was 46.5%.</p>", "loaded_version": "2"}).status_code == 302

    assert [(revision.version, revision.text) for revision in entry.revisions.all()] == [
        (3, "<p>Turnout was 46.5%.</p>"),
        (2, "<p>Turnout was 46%.</p>"),
        (1, "<p>Turnout was 48%.</p>"),
    ]
    assert entry.revisions.get(version=2).saved_by == editor
    earlier = client.get(url).context["adminform"].form.instance
    listed = str(EntryAdmin.earlier_versions(None, earlier))
    assert "Turnout was 48%." in listed and "Turnout was 46%." in listed and "46.5%" not in listed
    assert f"{editor.get_username()} · " in listed


def test_a_reporter_of_another_story_cannot_correct_its_entries(client, live_blog, other_reporter):
    entry = Entry.objects.create(live_blog=live_blog, text="<p>Original.</p>")
    client.force_login(other_reporter)
    url = reverse("admin:liveblog_entry_change", args=[entry.pk])
    assert client.post(url, {"text": "<p>Vandalism.</p>", "loaded_version": "1"}).status_code == 403
    assert Entry.objects.get(pk=entry.pk).text == "<p>Original.</p>"


def test_an_editor_ends_the_live_blog_with_the_button(client, live_blog, editor):
    client.force_login(editor)
    assert 'name="_end_coverage"' in client.get(change_url(live_blog)).text
    data = {
        "coverage_started_at_0": live_blog.coverage_started_at.strftime("%Y-%m-%d"),
        "coverage_started_at_1": live_blog.coverage_started_at.strftime("%H:%M:%S"),
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "_end_coverage": "End the live blog",
    }
    assert client.post(change_url(live_blog), data).status_code == 302
    live_blog.refresh_from_db()
    assert live_blog.coverage_ended_at is not None and live_blog.ended_by == editor


def test_an_editor_ends_live_blogs_with_the_action(client, live_blog, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:liveblog_liveblog_changelist"),
        {"action": "end_coverage", "_selected_action": [live_blog.pk]},
    )
    assert response.status_code == 302
    live_blog.refresh_from_db()
    assert not live_blog.is_live


def test_a_reporter_cannot_end_a_live_blog(client, live_blog, reporter):
    client.force_login(reporter)
    assert 'name="_end_coverage"' not in client.get(change_url(live_blog)).text
    client.post(
        reverse("admin:liveblog_liveblog_changelist"),
        {"action": "end_coverage", "_selected_action": [live_blog.pk]},
    )
    live_blog.refresh_from_db()
    assert live_blog.is_live


def test_a_reporter_makes_only_a_story_they_may_change_a_live_blog(client, reporter, other_reporter, make_article):
    mine = make_article(authors=[reporter.author], created_by=reporter, status="draft", published_at=None)
    theirs = make_article(authors=[other_reporter.author], created_by=other_reporter)
    client.force_login(reporter)
    add_url = reverse("admin:liveblog_liveblog_add")
    form = {
        "coverage_started_at_0": "2026-01-01",
        "coverage_started_at_1": "10:00:00",
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
    }
    response = client.post(add_url, {**form, "article": theirs.pk})
    assert response.status_code == 200
    assert "You may not change this story" in response.text
    assert client.post(add_url, {**form, "article": mine.pk}).status_code == 302
    assert LiveBlog.objects.get().article == mine


def test_the_page_lists_the_newest_entries_and_links_to_all(client, live_blog, add_entries, editor):
    entries = add_entries(live_blog, 25)
    client.force_login(editor)
    page = client.get(change_url(live_blog)).text
    listed = page.split("Entries posted, newest first")[1]
    assert reverse("admin:liveblog_entry_change", args=[entries[-1].pk]) in listed
    assert reverse("admin:liveblog_entry_change", args=[entries[0].pk]) + '"' not in listed
    all_url = reverse("admin:liveblog_entry_changelist") + f"?live_blog__id__exact={live_blog.pk}"
    assert all_url.replace("&", "&amp;") in listed
    assert client.get(all_url).status_code == 200
