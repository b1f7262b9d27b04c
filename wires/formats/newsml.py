"""
IPTC NewsML-G2: a `newsMessage` with its `itemSet`, or one `newsItem`, as agencies
such as AFP, TT and ANP send them, with the story as XHTML in `contentSet/inlineXML`
or as HTML or text in `inlineData`. The tree comes from defusedxml (see `formats.read_xml`).
"""

from xml.etree import ElementTree

from ..items import ItemError, Kind, PubStatus, WireItem, parse_time, text_to_html

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Items other than news items: packages, events, planning and concepts carry no story.
OTHER_ITEMS = {"packageItem": Kind.COMPOSITE, "planningItem": Kind.EVENT, "conceptItem": Kind.OTHER}
ITEM_CLASSES = {
    "text": Kind.TEXT,
    "picture": Kind.PICTURE,
    "graphic": Kind.GRAPHIC,
    "video": Kind.VIDEO,
    "audio": Kind.AUDIO,
    "composite": Kind.COMPOSITE,
}


def local(tag):
    return tag.rpartition("}")[2]


def is_newsml(root):
    return local(root.tag) in {"newsMessage", "newsItem"}


def parse(root, label):
    """Return a WireItem or ItemError for each item in the NewsML-G2 tree `root` read from `label`."""
    if local(root.tag) == "newsItem":
        items = [root]
    else:
        items = [element for element in root.iter() if local(element.tag) in {"newsItem", *OTHER_ITEMS}]
        if not items:
            return [ItemError(label, "a newsMessage with no items in it.")]
    results = []
    for position, element in enumerate(items, start=1):
        guid = (element.get("guid") or "").strip()
        item_label = f"{label} item {position}" + (f" ({guid})" if guid else "")
        if not guid:
            results.append(ItemError(item_label, "has no guid; NewsML-G2 items must have one."))
        elif local(element.tag) in OTHER_ITEMS:
            results.append(WireItem(uri=guid, version=element.get("version", ""), kind=OTHER_ITEMS[local(element.tag)]))
        else:
            results.append(read_item(element, guid))
    return results


def find(element, path):
    return element.find(path.replace("nar:", NAR))


def text(element, path):
    found = find(element, path)
    return "".join(found.itertext()).strip() if found is not None else ""


def qcode_value(element, path):
    """Return what follows the scheme in a qcode ("stat:canceled" gives "canceled")."""
    found = find(element, path)
    return (found.get("qcode") or "").rpartition(":")[2] if found is not None else ""


def body_html(content_set):
    """Return the story in a contentSet as HTML: XHTML from inlineXML, or inlineData's HTML or text."""
    if content_set is None:
        return ""
    inline_xml = find(content_set, "nar:inlineXML")
    if inline_xml is not None:
        body = inline_xml.find(f".//{XHTML}body")
        container = body if body is not None else inline_xml
        return "".join(serialise(child) for child in container) + (container.text or "").strip()
    inline_data = find(content_set, "nar:inlineData")
    if inline_data is not None:
        data = inline_data.text or ""
        return data if "html" in (inline_data.get("contenttype") or "") else text_to_html(data)
    return ""


def serialise(element):
    """Write an XHTML element as HTML, without namespace prefixes (the sanitiser drops anything else)."""
    copy = ElementTree.fromstring(ElementTree.tostring(element))
    for node in copy.iter():
        node.tag = local(node.tag)
    return ElementTree.tostring(copy, encoding="unicode", method="html")


def read_item(element, guid):
    """Return the WireItem one newsItem describes."""
    meta = find(element, "nar:itemMeta")
    content = find(element, "nar:contentMeta")
    rights = find(element, "nar:rightsInfo")
    meta = meta if meta is not None else ElementTree.Element("itemMeta")
    content = content if content is not None else ElementTree.Element("contentMeta")
    item_class = qcode_value(meta, "nar:itemClass") or "text"
    pubstatus = qcode_value(meta, "nar:pubStatus") or PubStatus.USABLE
    language = find(content, "nar:language")
    byline = text(content, "nar:by") or ", ".join(
        name for creator in content.findall(f"{NAR}creator") if (name := text(creator, "nar:name"))
    )
    provider = find(meta, "nar:provider")
    return WireItem(
        uri=guid,
        version=element.get("version", ""),
        version_created_at=parse_time(text(meta, "nar:versionCreated")),
        kind=ITEM_CLASSES.get(item_class, Kind.OTHER),
        headline=text(content, "nar:headline"),
        standfirst=text(content, "nar:description"),
        body_html=body_html(find(element, "nar:contentSet")),
        byline=byline,
        language=(language.get("tag") if language is not None else "") or element.get(XML_LANG, ""),
        subjects=[name for subject in content.findall(f"{NAR}subject") if (name := text(subject, "nar:name"))],
        place=text(content, "nar:dateline") or text(content, "nar:located/nar:name"),
        embargoed_until=parse_time(text(meta, "nar:embargoed")),
        pubstatus=pubstatus,
        provider=(
            text(provider, "nar:name") or provider.get("literal", "") or provider.get("qcode", "").rpartition(":")[2]
        )
        if provider is not None
        else "",
        copyright=text(rights, "nar:copyrightNotice") or text(rights, "nar:copyrightHolder/nar:name")
        if rights is not None
        else "",
        usage_terms=text(rights, "nar:usageTerms") if rights is not None else "",
        notice=text(meta, "nar:edNote"),
    )
