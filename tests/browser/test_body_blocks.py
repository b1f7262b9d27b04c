"""
A photo and an embed in a story body, in a real browser: a reporter inserts a library
photo and a video with the editor's buttons and saves; once the story is published a
reader sees the photo, and the video's provider hears nothing until the reader clicks.
The provider is a fake one on 127.0.0.1, so no real network is used.
"""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles import workflow
from articles.models import Article
from articles.tests.factories import ArticleFactory
from authors.tests.factories import AuthorFactory, UserFactory
from photos.tests.factories import PhotoFactory
from tests.browser.admin import log_in
from tests.browser.axe import blocking_violations


class FakePlayer(BaseHTTPRequestHandler):
    """A video provider's player page, which records every request it gets."""

    def do_GET(self):
        self.server.requests.append(self.path)
        body = b"<!doctype html><title>Player</title><p>Playing</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePlayer)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.NEWSROOM_EMBED_PROVIDERS = [
        {"name": "LocalTube", "patterns": [rf"{origin}/v/(?P<id>\w+)"], "player": f"{origin}/embed/{{id}}"}
    ]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-src": [origin]}
    yield server, origin
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_reporter_places_a_photo_and_an_embed_and_the_provider_waits_for_the_readers_click(
    new_page, fake_provider, screenshot_dir
):
    from playwright.sync_api import expect

    server, origin = fake_provider
    reporter = UserFactory(username="rita", groups=["Reporters"])
    editor = UserFactory(username="eddie", groups=["Editors"])
    article = ArticleFactory(
        headline="Harbour reopens",
        body="<p>The harbour reopened on Monday.</p>",
        authors=[AuthorFactory(user=reporter, name="Rita Reporter")],
        created_by=reporter,
        status=Article.Status.DRAFT,
        published_at=None,
    )
    photo = PhotoFactory(alt_text="Boats back in the harbour", caption="The first boats", credit="Port/Staff")
    second = PhotoFactory(alt_text="The harbour master waves", credit="Port/Staff")

    desk = new_page()
    log_in(desk, "rita")
    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    body = desk.locator(".field-body .tiptap.ProseMirror")
    body.click()
    desk.keyboard.press("Control+End")

    # A photo from the library, with a caption for this story.
    desk.get_by_role("button", name="Insert a photo from the library").click()
    picker = desk.locator("dialog.body-photo-picker")
    picker.get_by_role("searchbox").fill("harbour")
    picker.locator(f'button[data-photo="{photo.pk}"]').click()
    dialog = desk.get_by_role("dialog")
    dialog.get_by_label("Caption").fill("Boats are back")
    dialog.get_by_role("button", name="Save").click()
    expect(body.locator(".body-block", has_text=f"Photo {photo.pk}: Boats are back")).to_be_visible()

    # A link from a provider not on the list is refused in the editor, saying why.
    desk.keyboard.press("Control+End")
    desk.get_by_role("button", name="Embed a video or post").click()
    dialog.get_by_label("Link to the video or post").fill("https://evil.example/v/abc")
    dialog.get_by_role("button", name="Embed", exact=True).click()
    expect(dialog.get_by_text("Embeds are accepted from LocalTube only.")).to_be_visible()
    dialog.get_by_label("Link to the video or post").fill(f"{origin}/v/abc123")
    dialog.get_by_label("Title").fill("The first ferry")
    dialog.get_by_role("button", name="Embed", exact=True).click()
    expect(body.locator(".body-block", has_text="The first ferry")).to_be_visible()

    # A gallery of two photos, in the order picked; a pull quote and a fact box.
    desk.get_by_role("button", name="Insert a gallery").click()
    picker.locator(f'button[data-photo="{second.pk}"]').click()
    picker.locator(f'button[data-photo="{photo.pk}"]').click()
    picker.get_by_role("button", name="Insert gallery").click()
    dialog.get_by_label("Caption of the gallery").fill("The day the boats came back")
    dialog.get_by_role("button", name="Insert").click()
    expect(body.locator(".body-block", has_text=f"photos {second.pk} {photo.pk}")).to_be_visible()
    desk.get_by_role("button", name="Insert a pull quote").click()
    desk.get_by_role("button", name="Insert a fact box").click()

    desk.get_by_role("button", name="Save and continue editing").click()
    expect(desk.get_by_text("was changed successfully")).to_be_visible()
    desk.screenshot(path=os.path.join(screenshot_dir, "body-blocks-editor.png"), full_page=True)
    article.refresh_from_db()
    assert f'data-photo="{photo.pk}"' in article.body and 'data-caption="Boats are back"' in article.body
    assert f'data-embed="{origin}/v/abc123"' in article.body
    assert f'data-gallery="{second.pk} {photo.pk}"' in article.body
    assert '<aside data-pullquote=""><p>The quote</p><p data-attribution="">Who said it</p></aside>' in article.body
    assert '<aside data-factbox=""><h3>Fact box</h3><p>The facts.</p></aside>' in article.body
    assert set(article.inline_photos.all()) == {photo, second}

    workflow.submit(article, reporter)
    workflow.publish(Article.objects.get(pk=article.pk), editor)
    assert server.requests == []

    reader = new_page()
    to_provider = []
    reader.on("request", lambda request: request.url.startswith(origin) and to_provider.append(request.url))
    reader.goto(Article.objects.get(pk=article.pk).get_absolute_url())
    expect(reader.locator(".gallery .gallery__item")).to_have_count(2)
    expect(reader.locator("aside.pullquote")).to_contain_text("Who said it")
    figure = reader.locator(".body-photo")
    expect(figure).to_contain_text("Boats are back")
    image = figure.locator("img")
    image.scroll_into_view_if_needed()
    expect(image).to_have_attribute("alt", "Boats back in the harbour")
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    placeholder = reader.locator(".embed")
    expect(placeholder).to_contain_text("The first ferry")
    expect(placeholder).to_contain_text("LocalTube")
    reader.wait_for_load_state("networkidle")
    # Nothing from the provider before the click.
    assert to_provider == [] and server.requests == []
    assert blocking_violations(reader) == []
    placeholder.screenshot(path=os.path.join(screenshot_dir, "body-blocks-embed-placeholder.png"))

    reader.get_by_role("button", name="Load from LocalTube").click()
    player = reader.frame_locator(".embed iframe")
    expect(player.get_by_text("Playing")).to_be_visible()
    assert to_provider == [f"{origin}/embed/abc123"]
    assert server.requests == ["/embed/abc123"]
    reader.screenshot(path=os.path.join(screenshot_dir, "body-blocks-reader.png"), full_page=True)
