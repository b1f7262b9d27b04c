"""Photos, galleries, pull quotes, fact boxes and embeds in a story body: what is stored, shown and kept."""

import json
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.body import Body, photo_ids
from articles.embeds import find_embed
from articles.html import html_to_lines, html_to_text, sanitise_html
from articles.models import Article, InlinePhoto
from articles.tests.test_admin import ADD_URL, article_form_data
from articles.tests.test_models import DANGEROUS_MARKUP
from articles.tests.test_query_budget import ARTICLE_QUERIES, warm_site_cache

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def parsed_tags(html):
    """Return the (tag, attributes) of every element in `html`, as a browser would read them."""
    tags = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Collector().feed(html)
    return tags


def photo_block(pk, caption="", credit=""):
    return f'<figure data-photo="{pk}" data-caption="{caption}" data-credit="{credit}"></figure>'


class TestSanitiser:
    @pytest.mark.parametrize(
        "block",
        [
            '<figure data-photo="12" data-caption="The harbour" data-credit="AP"></figure>',
            '<figure data-gallery="12 15 18" data-caption="Scenes"></figure>',
            f'<figure data-embed="{VIDEO}" data-title="The speech"></figure>',
            '<aside data-pullquote=""><p>We will rebuild.</p><p data-attribution="">The mayor</p></aside>',
            '<aside data-factbox=""><h3>In numbers</h3><ul><li>12 dead</li></ul></aside>',
        ],
    )
    def test_keeps_each_block_as_stored(self, block):
        assert sanitise_html(block) == block

    @pytest.mark.parametrize(
        "hostile",
        [
            '<figure data-photo="12" onclick="alert(1)"></figure>',
            '<figure data-photo="12" style="background:url(javascript:alert(1))"></figure>',
            '<figure data-photo="12" srcdoc="<script>alert(1)</script>"></figure>',
            '<figure data-photo="javascript:alert(1)"></figure>',
            '<figure data-photo="12 onload=alert(1)"></figure>',
            '<figure data-gallery="1 2 javascript:alert(1)"></figure>',
            '<figure data-embed="javascript:alert(1)"></figure>',
            '<figure data-embed="https://evil.example/watch?v=dQw4w9WgXcQ"></figure>',
            '<figure data-embed="https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ"></figure>',
            '<figure data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ&quot; onload=&quot;alert(1)"></figure>',
            '<figure data-caption="&quot;><script>alert(1)</script>" data-photo="12"></figure>',
            '<aside data-pullquote="" onmouseover="alert(1)"><p>q</p><script>alert(1)</script></aside>',
            '<aside data-factbox="<script>alert(1)</script>"><h3 style="x">t</h3></aside>',
            '<p data-attribution="javascript:alert(1)" onclick="alert(1)">x</p>',
            '<figure data-embed="https://youtu.be/dQw4w9WgXcQ"><iframe src="https://evil.example"></iframe></figure>',
            '<aside data-pullquote=""><a href="javascript:alert(1)">x</a></aside>',
        ],
    )
    def test_no_script_gets_through_a_block(self, hostile):
        cleaned = sanitise_html(hostile)
        for word in ["<script", "onclick", "onload", "onmouseover", "style", "srcdoc", "javascript:", "<iframe"]:
            assert word not in cleaned
        # Nor once rendered for readers or feeds.
        for rendered in (Body(cleaned, {}).for_readers(), Body(cleaned, {}).for_feeds(lambda path: path)):
            assert "<script" not in rendered and "javascript:" not in rendered and "onload" not in rendered

    @pytest.mark.parametrize("dangerous", DANGEROUS_MARKUP)
    @pytest.mark.parametrize(
        "container",
        [
            '<aside data-pullquote=""><p>{}</p><p data-attribution="">{}</p></aside>',
            '<aside data-factbox=""><h3>{}</h3>{}</aside>',
            "<figure data-photo=\"1\" data-caption='{}' data-credit='{}'></figure>",
            f"<figure data-embed=\"{VIDEO}\" data-title='{{}}'>{{}}</figure>",
        ],
    )
    def test_the_hostile_corpus_fails_inside_every_block(self, container, dangerous):
        cleaned = sanitise_html(container.format(dangerous, dangerous))
        for rendered in (Body(cleaned, {}).for_readers(), Body(cleaned, {}).for_feeds(lambda path: path)):
            tags = parsed_tags(rendered)
            assert not {"script", "style", "iframe", "img"} & {tag for tag, _attrs in tags}
            for _tag, attrs in tags:
                assert not [name for name in attrs if name.startswith("on") or name in {"style", "srcdoc"}]
                assert not any((value or "").strip().lower().startswith("javascript") for value in attrs.values())

    def test_an_embed_from_a_provider_not_allowed_is_stripped(self):
        assert sanitise_html('<p>a</p><figure data-embed="https://evil.example/v/1" data-title="x"></figure>') == (
            "<p>a</p>"
        )

    def test_gallery_ids_are_normalised(self):
        assert sanitise_html('<figure data-gallery=" 3  4 "></figure>') == '<figure data-gallery="3 4"></figure>'

    @pytest.mark.parametrize(
        "url, provider",
        [
            (VIDEO, "YouTube"),
            ("https://youtu.be/dQw4w9WgXcQ", "YouTube"),
            ("https://vimeo.com/76979871", "Vimeo"),
            ("http://vimeo.com/76979871", None),
            ("https://vimeo.com/76979871/../../evil", None),
            ("https://example.org/video", None),
        ],
    )
    def test_embeds_come_from_the_allow_list(self, url, provider):
        embed = find_embed(url)
        assert (embed.provider if embed else None) == provider

    def test_player_address_is_built_from_the_id(self):
        assert find_embed(VIDEO).player_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


class TestText:
    def test_a_changed_photo_or_embed_shows_in_a_diff(self):
        before = html_to_lines(f"<p>a</p>{photo_block(12, 'Harbour')}", with_links=True)
        after = html_to_lines(f"<p>a</p>{photo_block(13, 'Harbour')}", with_links=True)
        assert before == ["a", "[Photo 12: Harbour]"]
        assert before != after
        assert html_to_lines(f'<figure data-embed="{VIDEO}" data-title="Speech"></figure>', with_links=True) == [
            f"[Embed {VIDEO}: Speech]"
        ]

    def test_captions_are_part_of_the_text_search_indexes(self):
        assert "Harbour" in html_to_text(f"<p>a</p>{photo_block(12, 'Harbour')}")


@pytest.mark.django_db
class TestRendering:
    def test_photo_renders_as_responsive_picture_with_caption_and_credit(self, make_photo):
        photo = make_photo(caption="Own caption", credit="Own credit")
        html = Body(photo_block(photo.pk)).for_readers()
        assert "<picture>" in html and 'type="image/webp"' in html and 'loading="lazy"' in html
        assert f'width="{photo.fallback_rendition.width}"' in html
        assert "Own caption" in html and "Own credit" in html
        html = Body(photo_block(photo.pk, "Story caption", "Story credit")).for_readers()
        assert "Story caption" in html and "Story credit" in html and "Own caption" not in html

    def test_gallery_is_a_plain_list_of_figures_each_with_its_credit(self, make_photo):
        photos = [make_photo(credit=f"Agency {n}") for n in range(3)]
        html = Body(f'<figure data-gallery="{" ".join(str(p.pk) for p in photos)}"></figure>').for_readers()
        assert html.count('<li class="gallery__item">') == 3
        assert all(f"Agency {n}" in html for n in range(3))
        assert html.index("Agency 0") < html.index("Agency 2")

    def test_missing_photo_is_left_out(self):
        assert Body(photo_block(999999)).for_readers() == ""

    def test_pull_quote_and_fact_box_are_labelled_for_screen_readers(self):
        html = Body(
            '<aside data-pullquote=""><p>q</p><p data-attribution="">who</p></aside>'
            '<aside data-factbox=""><h3>Facts</h3></aside>'
        ).for_readers()
        assert '<aside class="pullquote" aria-label="Quote">' in html
        assert '<p class="pullquote__attribution">who</p>' in html
        assert '<aside class="factbox" aria-label="Fact box">' in html

    def test_embed_is_a_placeholder_that_loads_nothing(self):
        html = Body(f'<figure data-embed="{VIDEO}" data-title="The speech"></figure>').for_readers()
        assert "<iframe" not in html
        assert 'data-embed-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
        assert "The speech" in html and "YouTube" in html and f'href="{VIDEO.replace("&", "&amp;")}"' in html

    def test_feeds_get_images_with_absolute_addresses_and_embeds_as_links(self, make_photo):
        photo = make_photo()
        body = Body(f'{photo_block(photo.pk)}<figure data-embed="{VIDEO}" data-title="Speech"></figure>')
        html = body.for_feeds(lambda path: f"https://news.example{path}")
        assert f'<img src="https://news.example{photo.largest_rendition().file.url}"' in html
        assert f'<a href="{VIDEO}">Speech</a> (YouTube)' in html
        assert "<picture" not in html and "embed__load" not in html

    def test_photos_of_many_bodies_load_in_one_query(self, make_photo, django_assert_num_queries):
        photos = [make_photo() for _ in range(3)]
        with django_assert_num_queries(1):
            bodies = Body.many([photo_block(photos[0].pk), photo_block(photos[1].pk) + photo_block(photos[2].pk)])
            assert all("<picture>" in body.for_readers() for body in bodies)

    def test_photo_ids_in_order_once(self):
        assert photo_ids(f'{photo_block(5)}<figure data-gallery="3 5 7"></figure>') == [5, 3, 7]


@pytest.mark.django_db
class TestArticlePage:
    @pytest.mark.parametrize("count", [0, 1, 20])
    def test_query_budget_whatever_the_number_of_photos(self, client, make_article, make_photo, count):
        plain = make_article(body="<p>Intro.</p>", photo=make_photo(size=(60, 40)))
        photos = [make_photo(size=(60, 40)) for _ in range(count)]
        body = "<p>Intro.</p>" + "".join(photo_block(photo.pk, f"Caption {n}") for n, photo in enumerate(photos))
        article = make_article(body=body, photo=make_photo(size=(60, 40)))
        warm_site_cache()
        client.get(plain.get_absolute_url())  # Whatever a first request fills.
        with CaptureQueriesContext(connection) as without_photos:
            client.get(plain.get_absolute_url())
        with CaptureQueriesContext(connection) as with_photos:
            response = client.get(article.get_absolute_url())
        # No query for a body without photos, one for all of them otherwise.
        assert len(without_photos) <= ARTICLE_QUERIES
        assert len(with_photos) == len(without_photos) + (1 if count else 0)
        html = response.content.decode()
        assert html.count("<picture>") == count + 1
        assert all(f"Caption {n}" in html for n in range(count))

    def test_json_ld_lists_inline_images_after_the_hero(self, client, make_article, make_photo):
        hero, inline = make_photo(), make_photo()
        article = make_article(body=photo_block(inline.pk), photo=hero)
        html = client.get(article.get_absolute_url()).content.decode()
        data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
        news_article = next(
            item for item in (data if isinstance(data, list) else [data]) if item["@type"] == "NewsArticle"
        )
        urls = [image["url"] for image in news_article["image"]]
        assert urls == [
            f"http://testserver{hero.largest_rendition().file.url}",
            f"http://testserver{inline.largest_rendition().file.url}",
        ]

    def test_page_allows_frames_only_from_the_providers(self, client, make_article):
        article = make_article(body=f'<figure data-embed="{VIDEO}"></figure>')
        policy = client.get(article.get_absolute_url())["Content-Security-Policy"]
        frame_src = next(part for part in policy.split(";") if part.strip().startswith("frame-src"))
        assert frame_src.split()[1:] == ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]


@pytest.mark.django_db
class TestInlinePhotoRecord:
    def test_saving_keeps_the_record_in_step_with_the_body(self, make_article, make_photo):
        first, second = make_photo(), make_photo()
        article = make_article(body=photo_block(first.pk) + photo_block(999999))
        assert list(article.inline_photos.all()) == [first]
        article = Article.objects.get(pk=article.pk)
        article.body = f'<figure data-gallery="{first.pk} {second.pk}"></figure>'
        article.save()
        assert set(article.inline_photos.all()) == {first, second}
        article.body = "<p>No photos now.</p>"
        article.save()
        assert not InlinePhoto.objects.filter(article=article).exists()

    def test_an_unchanged_body_costs_no_query(self, make_article, make_photo, django_assert_num_queries):
        article = Article.objects.get(pk=make_article(body=photo_block(make_photo().pk)).pk)
        article.headline = "New headline"
        with django_assert_num_queries(0):
            article.sync_inline_photos()

    def test_a_photo_shown_in_a_body_cannot_be_deleted(self, make_article, make_photo):
        photo = make_photo()
        make_article(body=photo_block(photo.pk))
        with pytest.raises(ProtectedError):
            photo.delete()


@pytest.mark.django_db
class TestAdmin:
    def test_an_embed_not_allowed_is_a_form_error_that_keeps_the_text(self, admin_client, make_section, make_author):
        body = '<p>Keep me.</p><figure data-embed="https://evil.example/v/1" data-title="x"></figure>'
        response = admin_client.post(ADD_URL, article_form_data(make_section(), make_author(), body=body))
        assert response.status_code == 200
        assert "cannot be embedded: https://evil.example/v/1" in response.content.decode()
        assert "Keep me." in response.content.decode()
        assert not Article.objects.exists()

    def test_a_photo_not_in_the_library_is_a_form_error(self, admin_client, make_section, make_author):
        response = admin_client.post(
            ADD_URL, article_form_data(make_section(), make_author(), body=photo_block(424242))
        )
        assert "not in the library (numbers 424242)" in response.content.decode()

    def test_photo_admin_lists_stories_using_the_photo_in_the_body(self, admin_client, make_article, make_photo):
        photo = make_photo()
        inline = make_article(headline="Inline user", body=photo_block(photo.pk))
        hero = make_article(headline="Hero user", photo=photo)
        html = admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
        assert "Inline user" in html and "Hero user" in html
        html = admin_client.get(reverse("admin:photos_photo_changelist")).content.decode()
        assert "1 story&#x27;s body" in html or "1 story's body" in html
        response = admin_client.post(reverse("admin:photos_photo_delete", args=[photo.pk]), {"post": "yes"})
        assert response.status_code == 200  # The "cannot delete" page.
        assert str(inline) in response.content.decode() and str(hero) in response.content.decode()
        assert type(photo).objects.filter(pk=photo.pk).exists()

    def test_photo_picker_lists_and_searches_for_staff_only(self, admin_client, client, make_photo, make_user):
        wanted = make_photo(alt_text="A heron on the quay")
        make_photo(alt_text="Something else")
        url = reverse("admin:photos_photo_picker")
        results = admin_client.get(url, {"q": "heron"}).json()["results"]
        assert [item["id"] for item in results] == [wanted.pk]
        assert results[0]["thumbnail"].endswith(".jpeg")
        assert client.get(url).status_code == 302  # To the login page.
        client.force_login(make_user(username="nobody", is_staff=True))
        assert client.get(url).status_code == 403


@pytest.mark.django_db
class TestEditor:
    def test_the_body_editor_loads_the_blocks_module_and_knows_its_views(self, admin_client):
        html = admin_client.get(ADD_URL).content.decode()
        assert "articles/body-editor.js" in html
        for name in ("BodyPhoto", "BodyGallery", "BodyEmbed", "PullQuote", "FactBox"):
            assert f"&quot;{name}&quot;" in html
        assert reverse("admin:photos_photo_picker") in html
        assert reverse("admin:articles_article_embed_check") in html

    def test_embed_check_says_which_providers_are_accepted(self, admin_client, client):
        url = reverse("admin:articles_article_embed_check")
        assert admin_client.get(url, {"url": VIDEO}).json() == {"ok": True, "provider": "YouTube"}
        refused = admin_client.get(url, {"url": "https://evil.example/v/1"})
        assert refused.status_code == 400
        assert refused.json()["error"] == (
            "This link cannot be embedded. Embeds are accepted from YouTube and Vimeo only."
        )
        assert client.get(url, {"url": VIDEO}).status_code == 302  # To the login page.

    def test_embed_check_needs_permission_to_write_stories(self, client, make_user):
        client.force_login(make_user(username="nobody", is_staff=True))
        assert client.get(reverse("admin:articles_article_embed_check"), {"url": VIDEO}).status_code == 403
