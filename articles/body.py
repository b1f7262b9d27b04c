"""
Turn a stored body into what readers, feeds and partners get.

A stored body is sanitised HTML (articles/html.py) in which photos, galleries and embeds
are references: `<figure data-photo="12">`, `<figure data-gallery="12 15">`,
`<figure data-embed="https://…">`. Their markup is made here, at display time, so a change
of rendition sizes or of the embed placeholder needs no change to stored bodies. The
photos of a body (or of several, for a live blog) are loaded in one query, and only when
the body refers to some.
"""

import re
from functools import cached_property
from html import unescape
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from photos.models import Photo

from .embeds import find_embed, provider_names

# Sanitised HTML escapes "<", ">" and '"' inside attribute values, so these patterns
# only ever meet real tags.
BLOCK = re.compile(r'<figure((?: [\w-]+="[^"]*")*)></figure>')
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
# Pull quotes and fact boxes are marked, not referenced: only their opening tags change.
MARKERS = {
    '<aside data-pullquote="">': '<aside class="pullquote" aria-label="Quote">',
    '<aside data-factbox="">': '<aside class="factbox" aria-label="Fact box">',
    '<p data-attribution="">': '<p class="pullquote__attribution">',
}
MARKER = re.compile("|".join(re.escape(marker) for marker in MARKERS))
# The same sizes as the hero photo: the body column is as wide.
PHOTO_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
GALLERY_SIZES = "(min-width: 44rem) 34rem, 80vw"


def blocks(html):
    """Yield each referencing block of sanitised `html` as (match, attributes)."""
    for match in BLOCK.finditer(html or ""):
        yield match, block_attributes(match)


def block_photo_ids(attributes):
    """Return the ids of the photos a block shows, in order."""
    if photo := attributes.get("data-photo"):
        return [int(photo)]
    if not attributes.get("data-embed") and (gallery := attributes.get("data-gallery")):
        return [int(pk) for pk in gallery.split()]
    return []


def photo_ids(html):
    """Return the ids of the photos `html` shows, in order of appearance, each once."""
    ids = (pk for _match, attributes in blocks(html) for pk in block_photo_ids(attributes))
    return list(dict.fromkeys(ids))


def load_photos(ids):
    """Return the photos with these ids, by id, with what their credit and renditions need: one query, none if no ids."""
    if not ids:
        return {}
    photos = Photo.objects.filter(pk__in=ids).select_related("photographer", "source_organisation")
    return {photo.pk: photo for photo in photos}


def link_photos(links, html, **owner):
    """
    Make the rows of `links` (the manager of a model naming a photo and, by `owner`, what
    shows it) record exactly the library photos `html` shows: what the photo admin reads
    to say where a photo is used, and what keeps a photo in use from being deleted.
    """
    wanted = set(photo_ids(html))
    current = set(links.filter(**owner).values_list("photo_id", flat=True))
    if gone := current - wanted:
        links.filter(photo_id__in=gone, **owner).delete()
    if added := wanted - current:
        # Ids of photos not in the library (a body pasted from elsewhere) are left out.
        existing = Photo._base_manager.using(links.db).filter(pk__in=added).values_list("pk", flat=True)
        links.bulk_create([links.model(photo_id=pk, **owner) for pk in existing])


class Body:
    """A stored body and the library photos it shows, loaded on first use."""

    def __init__(self, html, photos=None):
        self.html = html or ""
        if photos is not None:
            self.__dict__["photos"] = photos

    @classmethod
    def many(cls, htmls):
        """Return a Body for each of `htmls`, their photos loaded together in one query."""
        htmls = list(htmls)
        photos = load_photos(list(dict.fromkeys(pk for html in htmls for pk in photo_ids(html))))
        return [cls(html, photos) for html in htmls]

    @cached_property
    def photos(self):
        return load_photos(photo_ids(self.html))

    @cached_property
    def inline_photos(self):
        """Return the photos readers see in the body, in order, each once (for structured data and the API)."""
        return [self.photos[pk] for pk in photo_ids(self.html) if pk in self.photos and self.photos[pk].has_renditions]

    def _shown(self, attributes):
        """Return the photos a block shows that readers' pages can show: those still in the library, with renditions."""
        found = (self.photos.get(pk) for pk in block_photo_ids(attributes))
        return [photo for photo in found if photo is not None and photo.has_renditions]

    def for_readers(self):
        """Return the body as readers' pages show it."""
        html = BLOCK.sub(lambda match: self._reader_block(block_attributes(match)), self.html)
        return mark_safe(MARKER.sub(lambda match: MARKERS[match[0]], html))  # Sanitised on save.

    def _reader_block(self, attributes):
        if url := attributes.get("data-embed"):
            embed = find_embed(url)
            title = attributes.get("data-title", "")
            if embed is None:
                # A provider taken off the list since: a plain link, nothing loaded from it.
                return format_html('<p><a href="{}" rel="noopener noreferrer">{}</a></p>', url, title or url)
            return render_to_string("articles/body/embed.html", {"embed": embed, "title": title})
        photos = self._shown(attributes)
        if not photos:
            return ""
        caption, credit = attributes.get("data-caption", ""), attributes.get("data-credit", "")
        if "data-photo" in attributes:
            photo = photos[0]
            context = {"photo": photo, "caption": caption or photo.caption, "credit": credit or photo.credit_line}
            return render_to_string("articles/body/photo.html", context)
        return render_to_string("articles/body/gallery.html", {"photos": photos, "caption": caption})

    def for_feeds(self, absolute):
        """
        Return the body for feeds: images as plain <img> with absolute addresses (by
        `absolute`, a function of a path) and embeds as links, with no script or player.
        """
        html = BLOCK.sub(lambda match: self._feed_block(block_attributes(match), absolute), self.html)
        return mark_safe(MARKER.sub(lambda match: MARKERS[match[0]], html))  # Sanitised on save.

    def _feed_block(self, attributes, absolute):
        if url := attributes.get("data-embed"):
            embed = find_embed(url)
            label = attributes.get("data-title") or url
            provider = f" ({embed.provider})" if embed else ""
            return format_html('<p><a href="{}">{}</a>{}</p>', url, label, provider)
        parts = []
        for photo in self._shown(attributes):
            rendition = photo.largest_rendition()
            caption = attributes.get("data-caption", "") or photo.caption
            credit = attributes.get("data-credit", "") or photo.credit_line
            parts.append(
                format_html(
                    '<figure><img src="{}" width="{}" height="{}" alt="{}"><figcaption>{} {}</figcaption></figure>',
                    absolute(rendition.file.url),
                    rendition.width,
                    rendition.height,
                    photo.alt_text,
                    caption,
                    credit,
                )
            )
        return "".join(parts)


def block_attributes(match):
    """Return the attributes of a block matched by BLOCK, unescaped."""
    return {name: unescape(value) for name, value in ATTRIBUTE.findall(match[1])}


class _References(HTMLParser):
    """Collect the embeds and photo ids of unsanitised body HTML, as the editor sent it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.embeds, self.photo_ids = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "figure":
            return
        if url := attrs.get("data-embed"):
            self.embeds.append(url)
        for name in ("data-photo", "data-gallery"):
            self.photo_ids += [int(pk) for pk in (attrs.get(name) or "").split() if pk.isdigit()]


def validate_body(html):
    """
    Refuse, with a message that says why, a body that embeds from a provider not on the
    allow-list or shows photos not in the library: saved as it is, the sanitiser would
    drop the embed and the page would leave the photo out, without a word.
    """
    parser = _References()
    parser.feed(html or "")
    parser.close()
    errors = []
    if refused := [url for url in dict.fromkeys(parser.embeds) if find_embed(url) is None]:
        errors.append(
            ValidationError(
                _("These links cannot be embedded: %(urls)s. Embeds are accepted from %(providers)s only."),
                params={"urls": ", ".join(refused), "providers": provider_names()},
                code="embed_not_allowed",
            )
        )
    if ids := set(parser.photo_ids):
        missing = ids - set(Photo.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            errors.append(
                ValidationError(
                    _("The body shows photos that are not in the library (numbers %(ids)s); take them out."),
                    params={"ids": ", ".join(map(str, sorted(missing)))},
                    code="photo_missing",
                )
            )
    if errors:
        raise ValidationError(errors)
