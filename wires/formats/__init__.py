"""Read a file or a response of any supported format into WireItems (and ItemErrors for what cannot be read)."""

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from ..items import ItemError
from . import feeds, newsml, ninjs

NINJS, NEWSML, FEED = "ninjs", "newsml", "feed"
FORMATS = (NINJS, NEWSML, FEED)


def sniff(data):
    """Guess the format from the first non-blank byte: JSON is ninjs, XML is NewsML-G2 or a feed."""
    start = data.lstrip()[:1]
    if start in (b"{", b"["):
        return NINJS
    if start == b"<":
        return "xml"
    return ""


def read_xml(data, label):
    """Return the root of the XML in `data`, parsed by defusedxml, or an ItemError saying why not."""
    try:
        # No DTD at all: NewsML-G2 and feeds need none, and entity bombs live in them.
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        return ItemError(
            label, f"refused: the XML declares entities or a DTD, which wire formats never need ({error!r})."
        )
    except ParseError as error:
        return ItemError(label, f"not well-formed XML ({error}).")


def read(data, label, expected=""):
    """
    Return a WireItem or ItemError for each item in `data` (bytes) read from `label`:
    in `expected` format when given (one of FORMATS), else in the format it looks like.
    """
    results = _read(data, label, expected)
    for result in results:
        if not isinstance(result, ItemError):
            result.origin = label
    return results


def _read(data, label, expected):
    kind = sniff(data)
    if kind == NINJS and expected in ("", NINJS):
        return ninjs.parse(data, label)
    if kind == "xml" and expected in ("", NEWSML, FEED):
        root = read_xml(data, label)
        if isinstance(root, ItemError):
            return [root]
        if newsml.is_newsml(root) and expected in ("", NEWSML):
            return newsml.parse(root, label)
        if feeds.is_feed(root) and expected in ("", FEED):
            return feeds.parse(data, label)
        return [
            ItemError(
                label,
                f"an XML document of an unknown kind (<{newsml.local(root.tag)}>); expected "
                f"{expected or 'NewsML-G2 or an RSS or Atom feed'}.",
            )
        ]
    if expected and kind:
        return [ItemError(label, f"expected {expected}, but this looks like {'JSON' if kind == NINJS else 'XML'}.")]
    return [ItemError(label, "an unknown format: neither ninjs JSON, NewsML-G2 nor an RSS or Atom feed.")]
