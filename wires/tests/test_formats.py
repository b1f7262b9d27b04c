"""Reading ninjs 1.x/2.x/3.x, NewsML-G2 and feeds into WireItems, and refusing what cannot be read."""

from datetime import UTC, datetime

import pytest

from wires import formats
from wires.items import ItemError, Kind, WireItem

from .conftest import DATA


def read(name, expected=""):
    return formats.read((DATA / name).read_bytes(), name, expected)


@pytest.mark.parametrize("version", ["2.2", "3.1"])
def test_iptc_ninjs_examples_read_the_same_in_2x_and_3x(version):
    [item] = read(f"ninjs-{version}/005_complex_text_article.json")
    assert item.uri == "http://ninjs.example.com/newsitems/20130709med123"
    assert item.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert item.body_html.startswith("<p>GROSSETO, Italy (AP)")
    assert item.byline == "Paulo Santalucia and Frances d'Emilio"
    assert (item.place, item.language, item.kind) == ("Grossetto, Italy", "en", Kind.TEXT)
    assert item.copyright.startswith("Copyright 2013 The News Agency")
    assert item.version_created_at == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)


def test_a_plain_text_ninjs_body_becomes_paragraphs():
    [item] = read("ninjs-2.2/001_simple_example.json")
    assert item.body_html.startswith("<p>GROSSETO") and item.body_html.endswith("</p>")


@pytest.mark.parametrize("version", ["2.2", "3.1"])
def test_a_ninjs_picture_item_is_a_picture_with_its_rendition(version):
    [item] = read(f"ninjs-{version}/006_photo_only.json")
    assert item.kind == Kind.PICTURE
    assert item.pictures[0].url.endswith("-big.jpg")


def test_ninjs_1x_list_gives_each_item_or_a_clear_error():
    first, second, third = read("ninjs-1x-list.json")
    assert first.headline == "Russian governor gives Kim five kamikaze drones"
    assert first.standfirst == "TASS says the gifts included a reconnaissance drone."
    assert first.subjects == ["Politics", "Defence"]
    assert first.embargoed_until == datetime(2030, 6, 1, 10, tzinfo=UTC)
    assert (first.usage_terms, first.place, first.version) == ("Editorial use only", "Moscow", "1")
    assert isinstance(second, ItemError) and second.label == "ninjs-1x-list.json item 2"
    assert "no uri" in second.message
    assert third.kind == Kind.AUDIO


def test_ninjs_3x_names_are_read():
    data = b"""{"uri": "urn:x:1", "type": "text", "pubStatus": "withheld", "embargoedUntil": "2031-01-01T00:00:00Z",
      "usageTerms": "No sales", "headlines": [{"value": "H"}], "subjects": [{"name": "Sport"}],
      "edNote": "Check facts"}"""
    [item] = formats.read(data, "x.json")
    assert (item.pubstatus, item.usage_terms, item.subjects, item.notice) == (
        "withheld",
        "No sales",
        ["Sport"],
        "Check facts",
    )
    assert item.embargoed_until.year == 2031
    assert item.is_withdrawn


def test_newsml_g2_message_reads_every_item():
    text, plain, video = read("newsml-tass-kim.xml")
    assert text.uri == "urn:newsml:wire.example-agency.test:20230917:kim-leaves-russia"
    assert (text.version, text.kind, text.language) == ("1", Kind.TEXT, "en")
    assert text.headline == "North Korea's Kim leaves Russia, given drones as gift"
    assert text.standfirst.startswith("Kim Jong Un ends a six-day journey")
    assert text.byline == "Anna Petrova"
    assert text.subjects == ["Politics", "Russia", "North Korea"]
    assert text.place == "VLADIVOSTOK, Sept 17"
    assert text.provider == "Example Wire Agency"
    assert text.embargoed_until == datetime(2030, 1, 1, 6, tzinfo=UTC)
    assert text.usage_terms.startswith("Editorial use only")
    # XHTML without its namespace; the sanitiser deals with the script on save.
    assert "<p>VLADIVOSTOK (EWA)" in text.body_html and "html:" not in text.body_html
    assert plain.body_html.startswith("<p>PYONGYANG (EWA)") and plain.byline == "Staff"
    assert video.kind == Kind.VIDEO


def test_newsml_cancellation_and_kill_notice_mean_withdrawn():
    [item] = read("newsml-kim-kill.xml")
    assert item.pubstatus == "canceled" and item.notice.startswith("KILL")
    assert item.is_withdrawn


def test_a_kill_notice_alone_means_withdrawn():
    assert WireItem(uri="u", notice="Mandatory kill: legal").is_withdrawn
    assert not WireItem(uri="u", notice="Corrects spelling of name").is_withdrawn


def test_rss_entries_become_items():
    ferry, rate = read("rss-agency.xml")
    assert ferry.uri == "nta:2023:ferry-storm"
    assert (ferry.byline, ferry.subjects, ferry.language) == ("Lars Nyström", ["Weather", "Transport"], "en")
    assert ferry.provider == "Nordic Telegram Agency" and ferry.copyright.startswith("Copyright 2023")
    assert ferry.body_html == "<p>All ferry crossings between Umeå and Vaasa are cancelled until Monday.</p>"
    assert ferry.pictures[0].url == "PICTURE_URL" and ferry.pictures[0].credit == "NTA/Lars Nyström"
    assert ferry.version == "2023-09-17T07:40:00+00:00"
    assert "<script" not in rate.body_html


def test_atom_entries_become_items():
    [entry] = read("atom-agency.xml")
    assert (entry.uri, entry.byline, entry.language) == ("urn:npb:2023:prinsjesdag", "Eva de Vries", "nl")
    assert entry.standfirst == "Het kabinet maakt dinsdag de plannen voor volgend jaar bekend."
    assert entry.body_html.startswith("<p>DEN HAAG (NPB)")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"uri": "x", "headline": ', "not valid JSON"),
        (b"<newsItem><unclosed></newsItem>", "not well-formed XML"),
        (b"plain words, no format", "unknown format"),
        (b"<html><body>a web page</body></html>", "unknown kind (<html>)"),
        (b"", "unknown format"),
    ],
    ids=["json", "xml", "text", "html", "empty"],
)
def test_unreadable_input_gives_one_clear_error(data, message):
    [error] = formats.read(data, "in.dat")
    assert isinstance(error, ItemError) and error.label == "in.dat"
    assert message in error.message


def test_an_xml_bomb_is_refused_by_defusedxml():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x">&lol3;</newsItem>"""
    [error] = formats.read(bomb, "bomb.xml")
    assert isinstance(error, ItemError) and "refused" in error.message and "DTD" in error.message


def test_an_external_entity_is_refused():
    xxe = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>"""
    [error] = formats.read(xxe, "xxe.xml")
    assert isinstance(error, ItemError) and "refused" in error.message


def test_a_source_format_that_does_not_match_says_so():
    [error] = formats.read(b'{"uri": "x"}', "x.json", expected=formats.NEWSML)
    assert "expected newsml" in error.message
