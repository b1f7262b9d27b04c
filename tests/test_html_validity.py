"""
Every reader page type is valid HTML, by the Nu HTML Checker (the W3C's validator):
vnu-jar from the npm registry, run with Java. `make test` installs both and fails rather
than skips without them; a plain `pytest` skips with one line saying what is missing.
"""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from liveblog.models import Entry, LiveBlog
from tests.test_reader_markup import reader_pages

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REQUIRED = os.environ.get("NEWSROOM_BROWSER_TESTS") == "required"


def missing():
    if not shutil.which("java"):
        return "Java was not found"
    if not VNU.exists():
        return f"the Nu HTML Checker was not found at {VNU}"
    return ""


pytestmark = pytest.mark.skipif(
    bool(missing()) and not REQUIRED, reason=f"{missing()}; `make test` installs it (apt-get, npm ci)"
)


def validate(pages, folder):
    """Return the checker's errors on `pages` ({address: html}) as readable lines."""
    files = {}
    for number, (address, html) in enumerate(pages.items()):
        path = folder / f"page-{number:02d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = address
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, sorted(folder.glob("page-*.html")))],
        capture_output=True,
        check=False,  # It exits with 1 when it finds errors; they are read from its report.
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or "{}").get("messages", [])
    return [
        f"{files.get(Path(message.get('url', '')).name, message.get('url'))} line {message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
    ]


def test_every_reader_page_type_is_valid_html(client, story_published_now, make_article, make_photo, tmp_path):
    live = LiveBlog.objects.create(
        article=make_article(headline="Election night", slug="election-night"),
        coverage_started_at=timezone.now() - timedelta(hours=2),
    )
    for minutes in (90, 60, 5):
        Entry.objects.create(
            live_blog=live,
            text=f"<p>Polls closed {minutes} minutes ago.</p>",
            created_at=timezone.now() - timedelta(minutes=minutes),
            is_key_event=minutes == 60,
            photo=make_photo() if minutes == 5 else None,
        )
    addresses = [
        *reader_pages(story_published_now),
        live.article.get_absolute_url(),
        reverse("search:search"),
        reverse("search:search") + "?q=nothing+matches+this",
        "/no/such/page/",
    ]
    pages = {address: client.get(address).content.decode() for address in addresses}
    assert all(pages.values())
    assert "Polls closed 5 minutes ago." in pages[live.article.get_absolute_url()]

    assert validate(pages, tmp_path) == []


def test_the_checker_finds_an_invalid_page(tmp_path):
    """The test above can fail: a page with a bad time and a stray end tag is refused."""
    bad = (
        '<!doctype html><html lang="en"><title>x</title><time datetime="2026-11-30T03:59:13.646007+00:00">x</time></p>'
    )
    errors = validate({"/bad/": bad}, tmp_path)
    assert any("datetime" in error for error in errors)
    assert all(error.startswith("/bad/") for error in errors)


def test_a_story_with_every_kind_of_body_block_is_valid_html(client, make_article, make_photo, tmp_path):
    photos = [make_photo() for _ in range(3)]
    story = make_article(
        headline="Harbour reopens",
        slug="harbour-reopens",
        body=(
            f'<p>Intro.</p><figure data-photo="{photos[0].pk}" data-caption="Boats"></figure>'
            f'<figure data-gallery="{photos[1].pk} {photos[2].pk}" data-caption="The day"></figure>'
            '<aside data-pullquote=""><p>We are back.</p><p data-attribution="">The harbour master</p></aside>'
            '<h2>Numbers</h2><aside data-factbox=""><h3>In numbers</h3><ul><li>12 boats</li></ul></aside>'
            '<figure data-embed="https://youtu.be/dQw4w9WgXcQ" data-title="The first ferry"></figure>'
        ),
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'class="gallery"' in page and 'class="embed"' in page and 'class="factbox"' in page

    assert validate({story.get_absolute_url(): page}, tmp_path) == []
