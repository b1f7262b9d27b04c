"""Live blog entries show photos and embeds as story bodies do, in the page, the polling answer and the feed."""

from xml.etree import ElementTree

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from liveblog.forms import EntryForm
from liveblog.models import Entry, EntryPhoto

pytestmark = pytest.mark.django_db

VIDEO = "https://youtu.be/dQw4w9WgXcQ"


def test_entries_show_photos_and_embeds_in_the_page_and_feed(client, live_blog, make_photo):
    photo = make_photo(caption="The count begins")
    Entry.objects.create(
        live_blog=live_blog,
        text=f'<p>Counting.</p><figure data-photo="{photo.pk}"></figure>'
        f'<figure data-embed="{VIDEO}" data-title="Speech"></figure>',
    )
    page = client.get(live_blog.article.get_absolute_url()).text
    assert "The count begins" in page and "<picture>" in page
    assert 'data-embed-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    polled = client.get(reverse("liveblog:entries", args=[live_blog.article.pk])).json()["entries"][0]["html"]
    assert "The count begins" in polled
    feed = ElementTree.fromstring(client.get(reverse("liveblog:feed", args=[live_blog.article.pk])).content)
    description = feed.find("channel/item/description").text
    assert f'<img src="http://testserver{photo.largest_rendition().file.url}"' in description
    assert f'<a href="{VIDEO}">Speech</a> (YouTube)' in description
    assert "embed__load" not in description


def test_an_entry_embedding_from_a_provider_not_allowed_is_refused_with_its_text_kept(live_blog):
    form = EntryForm(data={"text": '<p>Keep.</p><figure data-embed="https://evil.example/v"></figure>'})
    assert not form.is_valid()
    assert "cannot be embedded" in str(form.errors["text"])


def test_an_entry_keeps_the_record_of_its_photos_in_step_with_its_text(live_blog, make_photo):
    first, second = make_photo(), make_photo()
    entry = Entry.objects.create(live_blog=live_blog, text=f'<figure data-photo="{first.pk}"></figure>')
    assert set(EntryPhoto.objects.filter(entry=entry).values_list("photo", flat=True)) == {first.pk}
    entry.text = f'<p>Two now.</p><figure data-gallery="{first.pk} {second.pk} 999999"></figure>'
    entry.save()
    assert set(EntryPhoto.objects.filter(entry=entry).values_list("photo", flat=True)) == {first.pk, second.pk}
    entry.text = "<p>None now.</p>"
    entry.save()
    assert not EntryPhoto.objects.filter(entry=entry).exists()


def test_a_photo_shown_in_an_entry_is_listed_where_used_and_cannot_be_deleted(admin_client, live_blog, make_photo):
    photo = make_photo()
    Entry.objects.create(live_blog=live_blog, text=f'<p>Look.</p><figure data-photo="{photo.pk}"></figure>')
    with pytest.raises(ProtectedError):
        photo.delete()
    html = admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
    assert live_blog.article.headline in html
    response = admin_client.post(reverse("admin:photos_photo_delete", args=[photo.pk]), {"post": "yes"})
    assert response.status_code == 200  # The "cannot delete" page, naming what uses it.
    assert type(photo).objects.filter(pk=photo.pk).exists()
