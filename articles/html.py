"""The one place that decides which HTML an article body may contain, and how it reads as plain text."""

import re
from html.parser import HTMLParser

import nh3
from django.urls import reverse_lazy

from .embeds import find_embed

# fmt: off
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "s", "u", "sub", "sup",
    "ul", "ol", "li", "blockquote", "hr", "a", "figure", "figcaption", "cite", "q", "aside",
}
# fmt: on
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
    # The body's blocks, stored as references and turned into readers' markup at display
    # time (articles/body.py): a library photo, a gallery, an embed, a pull quote, a fact box.
    "figure": {"data-photo", "data-gallery", "data-embed", "data-caption", "data-credit", "data-title"},
    "aside": {"data-pullquote", "data-factbox"},
    "p": {"data-attribution"},
}
# What each block attribute may hold; any other value drops the attribute.
PHOTO_ID = re.compile(r"[1-9][0-9]{0,17}")
GALLERY_IDS = re.compile(r"[1-9][0-9]{0,17}(?: [1-9][0-9]{0,17}){0,99}")
# Plain text at most this long, for captions, credits and titles.
BLOCK_TEXT_LENGTH = 300
MARKER_ATTRIBUTES = {"data-pullquote", "data-factbox", "data-attribution"}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# The allowed tags that start a new line of text; the others run on within one.
BLOCK_TAGS = {"p", "h2", "h3", "h4", "li", "blockquote", "figure", "figcaption", "ul", "ol", "br", "hr", "aside"}
# How a diff names a block that refers to something outside the body.
REFERENCE_LABELS = {"data-photo": "Photo", "data-gallery": "Gallery", "data-embed": "Embed"}


def filter_block_attribute(tag, attribute, value):
    """Keep a block attribute only with a value of its kind (nh3's attribute_filter); keep others as they are."""
    if attribute == "data-photo":
        return value if PHOTO_ID.fullmatch(value) else None
    if attribute == "data-gallery":
        ids = " ".join(value.split())
        return ids if GALLERY_IDS.fullmatch(ids) else None
    if attribute == "data-embed":
        return value if find_embed(value) else None
    if attribute in MARKER_ATTRIBUTES:
        return ""
    if attribute in {"data-caption", "data-credit", "data-title"}:
        return " ".join(value.split())[:BLOCK_TEXT_LENGTH]
    return value


# A figure left with none of its references (a refused embed, a photo id that was not a
# number) has nothing to show; it goes.
_EMPTY_BLOCK = re.compile(r'<figure(?: data-(?:caption|credit|title)="[^"]*")*></figure>')

# Photo numbers refer to this newsroom's library, so they only mean something in HTML
# written here; in a wire's copy they would show whichever of our photos has that number.
LIBRARY_ATTRIBUTES = {"data-photo", "data-gallery"}


def _cleaner(attributes):
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=attributes,
        attribute_filter=filter_block_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_own_cleaner = _cleaner(ALLOWED_ATTRIBUTES)
_outside_cleaner = _cleaner(
    {tag: names - LIBRARY_ATTRIBUTES for tag, names in ALLOWED_ATTRIBUTES.items()},
)


def sanitise_html(html, *, from_outside=False):
    """
    Return `html` with every tag, attribute and URL scheme outside the allow-list removed;
    `from_outside` (a wire's copy) also removes references to photos in the library.
    """
    cleaner = _outside_cleaner if from_outside else _own_cleaner
    cleaned = _EMPTY_BLOCK.sub("", cleaner.clean(html or "")).strip()
    # The editor sends an empty paragraph for an empty document; store nothing.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


class _TextLines(HTMLParser):
    """Collect the text of body HTML as lines, one per paragraph, heading or list item."""

    def __init__(self, with_links):
        super().__init__(convert_charrefs=True)
        self.with_links = with_links
        self.lines = [""]
        self.hrefs = []

    def _break(self):
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._break()
        if tag == "li" and self.with_links:
            self.lines[-1] += "• "
        elif tag == "hr" and self.with_links:
            self.lines[-1] = "———"
            self._break()
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        elif tag == "figure":
            self._reference(dict(attrs))

    def _reference(self, attrs):
        """
        Give a photo, gallery or embed a line of its own: its caption or title as text
        (search indexes it), and in a diff what it refers to, so changing the photo or
        the video shows as a change.
        """
        text = " ".join(filter(None, (attrs.get(name) for name in ("data-caption", "data-title", "data-credit"))))
        for attribute, label in REFERENCE_LABELS.items():
            if reference := attrs.get(attribute):
                self.lines[-1] = f"[{label} {reference}: {text}]" if self.with_links else text
                self._break()
                return

    def handle_endtag(self, tag):
        if tag == "a" and self.hrefs:
            if (href := self.hrefs.pop()) and self.with_links:
                self.lines[-1] += f" <{href}>"
        elif tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        self.lines[-1] += re.sub(r"\s+", " ", data)


def html_to_lines(html, *, with_links=False):
    """
    Return the text of an article body, one line per block, without tags or entities.
    With `with_links`, as a diff shows it: link targets after their text, bullets
    before list items, a rule for <hr>.
    """
    parser = _TextLines(with_links)
    parser.feed(html or "")
    parser.close()
    return [line.strip() for line in parser.lines if line.strip()]


def html_to_text(html):
    """Return the words of an article body without its tags and entities, one space between them."""
    return " ".join(html_to_lines(html))


# What the editor in the admin offers; every tag it produces is in ALLOWED_TAGS.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Underline": True,
    "HardBreak": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False},
    # The body's blocks (static/articles/body-editor.js, registered in the setting
    # DJANGO_PROSE_EDITOR_EXTENSIONS); the photo picker and the embed check are admin views.
    "BodyPhoto": {
        "pickerUrl": reverse_lazy("admin:photos_photo_picker"),
        "uploadUrl": reverse_lazy("admin:photos_photo_add"),
    },
    "BodyGallery": {
        "pickerUrl": reverse_lazy("admin:photos_photo_picker"),
        "uploadUrl": reverse_lazy("admin:photos_photo_add"),
    },
    "BodyEmbed": {"checkUrl": reverse_lazy("admin:articles_article_embed_check")},
    "PullQuote": True,
    "Attribution": True,
    "FactBox": True,
}


def body_block_allowlist(config, shared_config):
    """Tell django-prose-editor which tags and attributes the body's blocks use (it does not sanitise for us)."""
    for tag in ("figure", "aside", "p"):
        shared_config["tags"].add(tag)
        shared_config["attributes"].setdefault(tag, set()).update(ALLOWED_ATTRIBUTES[tag])
