"""The one place that decides which HTML an article body may contain."""

import nh3

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
