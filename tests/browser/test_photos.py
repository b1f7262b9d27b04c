import pytest

from tests.browser.conftest import PHONE


@pytest.mark.django_db(transaction=True)
def test_browser_picks_a_webp_rendition_that_fits_the_screen(new_page, make_article, make_photo, screenshot_dir):
    article = make_article(headline="Kim leaves Russia", photo=make_photo(size=(2000, 1200)))

    widths = {}
    for name, viewport in {"phone": PHONE, "desktop": {"width": 1280, "height": 900}}.items():
        page = new_page(viewport=viewport)
        page.goto(article.get_absolute_url())
        hero = page.locator(".story__image img")
        hero.evaluate("img => img.decode()")
        current = hero.evaluate("img => img.currentSrc")
        assert current.endswith(".webp"), current
        assert "/media/photos/renditions/" in current
        box = hero.bounding_box()
        # The rendered box keeps the photo's proportions (width and height attributes reserve it).
        assert box["height"] == pytest.approx(box["width"] * 0.6, abs=2)
        widths[name] = int(current.rsplit("-", 1)[1].split(".")[0])
        page.screenshot(path=f"{screenshot_dir}/article-photo-{name}.png")

    assert widths == {"phone": 480, "desktop": 960}
