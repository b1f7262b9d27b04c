"""Stories and the photo library: the hero picture, cards, where a photo is used, the move from hero images."""

import re

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.urls import reverse

from articles.models import Article
from photos.models import Photo
from photos.tests.images import image_upload


def tag(html, name):
    """Return the first <name ...> tag in the HTML."""
    return re.search(rf"<{name}\b[^>]*>", html).group(0)


@pytest.mark.django_db
class TestReaderPages:
    def test_article_page_shows_a_responsive_hero_with_caption_and_credit(self, client, make_article, make_photo):
        photo = make_photo(size=(2000, 1200), caption="Kim leaves by train.", credit="KCNA/Reuters")
        article = make_article(photo=photo)

        html = client.get(article.get_absolute_url()).content.decode()

        figure = html[html.index('<figure class="story__image">') : html.index("</figure>")]
        source, img = tag(figure, "source"), tag(figure, "img")
        webp = [r.file.url for r in photo.renditions.filter(format="webp")]
        jpegs = {r.width: r for r in photo.renditions.filter(format="jpeg")}
        assert 'type="image/webp"' in source
        assert f'srcset="{webp[0]} 480w, {webp[1]} 960w, {webp[2]} 1600w"' in source
        assert 'sizes="(min-width: 44rem) 42rem, calc(100vw - 2rem)"' in source
        assert f'src="{jpegs[960].file.url}"' in img
        assert f'srcset="{jpegs[480].file.url} 480w, {jpegs[960].file.url} 960w, {jpegs[1600].file.url} 1600w"' in img
        assert 'width="960" height="576"' in img
        assert f'alt="{photo.alt_text}"' in img
        assert 'loading="eager"' in img
        assert '<figcaption>Kim leaves by train. <span class="credit">KCNA/Reuters</span></figcaption>' in figure

    def test_credit_falls_back_to_photographer_and_agency(
        self, client, make_article, make_photo, make_author, make_organisation
    ):
        photo = make_photo(
            credit="",
            caption="",
            photographer=make_author(name="Jane Doe"),
            source_organisation=make_organisation(name="Korean Central News Agency", short_name="KCNA"),
        )
        html = client.get(make_article(photo=photo).get_absolute_url()).content.decode()
        assert '<figcaption> <span class="credit">Jane Doe/KCNA</span></figcaption>' in html

    def test_cards_show_decorative_lazy_pictures(self, client, make_article, make_photo, make_section):
        world = make_section(slug="world")
        make_article(section=world, photo=make_photo())
        html = client.get(world.get_absolute_url()).content.decode()
        start = html.index('<a class="card__image"')
        card_image = html[start : html.index("</a>", start)]
        img = tag(card_image, "img")
        assert "<picture>" in card_image and 'type="image/webp"' in card_image
        assert 'alt=""' in img and 'loading="lazy"' in img
        assert 'width="600" height="400"' in img  # The widest up to 960.

    def test_originals_never_reach_readers(self, client, make_article, make_photo):
        photo = make_photo()
        article = make_article(photo=photo)
        for url in ("/", article.get_absolute_url(), article.section.get_absolute_url()):
            html = client.get(url).content.decode()
            assert "/renditions/" in html
            assert photo.image.name not in html

    def test_photo_without_renditions_is_left_out_until_they_are_made(self, client, make_article, make_photo):
        photo = make_photo()
        photo.renditions.all().delete()
        article = make_article(photo=photo)
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<figure" not in html and "<picture>" not in html
        assert photo.image.name not in html

    def test_story_without_photo_has_no_figure(self, client, make_article):
        html = client.get(make_article().get_absolute_url()).content.decode()
        assert "<figure" not in html


@pytest.mark.django_db
class TestUsage:
    def test_photo_admin_lists_the_stories_that_use_it(self, superuser_client, make_article, make_photo):
        photo, unused = make_photo(), make_photo()
        first = make_article(headline="First story", photo=photo)
        second = make_article(headline="Second story", photo=photo, status=Article.Status.DRAFT, published_at=None)

        html = superuser_client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
        first_url, second_url = (reverse("admin:articles_article_change", args=[a.pk]) for a in (first, second))
        assert f'<a href="{first_url}">First story</a> (Published)' in html
        assert f'<a href="{second_url}">Second story</a> (Draft)' in html
        unused_html = superuser_client.get(reverse("admin:photos_photo_change", args=[unused.pk])).content.decode()
        assert "No story uses this photo yet." in unused_html

    def test_changelist_counts_uses_and_links_to_the_stories(self, superuser_client, make_article, make_photo):
        photo = make_photo()
        make_article(headline="Uses it", photo=photo)
        make_article(headline="Uses it too", photo=photo)
        make_article(headline="Has another", photo=make_photo())

        html = superuser_client.get(reverse("admin:photos_photo_changelist")).content.decode()
        link = f"{reverse('admin:articles_article_changelist')}?photo__id__exact={photo.pk}"
        assert f'<a href="{link}">2 stories</a>' in html
        listed = superuser_client.get(link).context["cl"].result_list
        assert sorted(article.headline for article in listed) == ["Uses it", "Uses it too"]

    def test_a_photo_in_use_cannot_be_deleted(
        self, superuser_client, make_article, make_photo, django_capture_on_commit_callbacks
    ):
        photo = make_photo()
        make_article(photo=photo, headline="Still needs it")

        with pytest.raises(ProtectedError), django_capture_on_commit_callbacks() as callbacks:
            photo.delete()
        assert callbacks == []  # Its files are not scheduled for deletion either.
        response = superuser_client.get(reverse("admin:photos_photo_delete", args=[photo.pk]))
        assert "Still needs it" in response.content.decode()
        assert "would require deleting the following protected related objects" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_migration_moves_hero_images_into_the_library(make_section, make_author):
    """Articles with a hero image get a library photo holding the same file; articles without get none."""
    before, after = [("articles", "0006_article_photo")], [("articles", "0008_remove_hero_image_fields")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldArticle = old_apps.get_model("articles", "Article")
        section_id = make_section().pk
        stored = default_storage.save("articles/2023/09/train.jpg", image_upload(image_format="JPEG", size=(64, 48)))
        common = {"section_id": section_id, "status": "draft"}
        with_image = OldArticle.objects.create(
            slug="with-image",
            hero_image=stored,
            hero_image_width=64,
            hero_image_height=48,
            hero_image_alt="Kim waves",
            hero_image_caption="Leaving.",
            hero_image_credit="KCNA",
            **common,
        )
        same_image = OldArticle.objects.create(
            slug="same-image",
            hero_image=stored,
            hero_image_width=64,
            hero_image_height=48,
            hero_image_alt="Kim waves again",
            **common,
        )
        OldArticle.objects.create(slug="no-image", **common)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    photo = Photo.objects.get()
    assert (photo.image.name, photo.width, photo.height) == (stored, 64, 48)
    assert (photo.alt_text, photo.caption, photo.credit) == ("Kim waves", "Leaving.", "KCNA")
    assert Article.objects.get(pk=with_image.pk).photo == photo
    assert Article.objects.get(pk=same_image.pk).photo == photo
    assert Article.objects.get(slug="no-image").photo is None
