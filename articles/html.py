"""The one place that decides which HTML an article body may contain."""

from html import unescape

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "s", "u", "sub", "sup",
    "ul", "ol", "li", "blockquote", "hr", "a", "figure", "figcaption", "cite", "q",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitise_html(html):
    """Return `html` with every tag, attribute and URL scheme outside the allow-list removed."""
    cleaned = _cleaner.clean(html or "").strip()
    # The editor sends an empty paragraph for an empty document; store nothing.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def html_to_text(html):
    """Return the words of an article body without its tags and entities, one space between them."""
    # A space before every tag keeps "<li>one</li><li>two</li>" from becoming "onetwo".
    # Sanitised HTML escapes every "<" in its text, so each one left starts a tag.
    return " ".join(unescape(strip_tags((html or "").replace("<", " <"))).split())


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
}
