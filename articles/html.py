"""The one place that decides which HTML an article body may contain, and how it reads as plain text."""

import re
from html.parser import HTMLParser

import nh3

# fmt: off
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "s", "u", "sub", "sup",
    "ul", "ol", "li", "blockquote", "hr", "a", "figure", "figcaption", "cite", "q",
}
# fmt: on
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# The allowed tags that start a new line of text; the others run on within one.
BLOCK_TAGS = {"p", "h2", "h3", "h4", "li", "blockquote", "figure", "figcaption", "ul", "ol", "br", "hr"}

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
}
