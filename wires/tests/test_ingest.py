"""Ingest into drafts: what a draft carries, duplicates, updates, withdrawals, pictures and bad input."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.html import sanitise_html
from articles.models import Article
from authors.models import Organisation
from editing.models import Revision
from photos.models import Photo
from wires.ingest import ingest_location
from wires.models import IngestedItem

from .conftest import DATA

KIM = "urn:newsml:wire.example-agency.test:20230917:kim-leaves-russia"

pytestmark = pytest.mark.django_db


def ingest(name, source=None):
    return ingest_location(str(DATA / name), source)


def kim_story():
    return IngestedItem.objects.select_related("article").get(uri=KIM).article


def test_a_text_item_becomes_a_draft_with_what_the_agency_gave(make_source):
    source = make_source()
    report = ingest("newsml-tass-kim.xml", source)
    assert report.failed == 0 and len(report.lines) == 3
    article = kim_story()
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.headline == "North Korea's Kim leaves Russia, given drones as gift"
    assert article.standfirst.startswith("Kim Jong Un ends a six-day journey")
    assert article.section == source.section
    assert article.dateline == "VLADIVOSTOK, Sept 17"
    assert sorted(article.tags.names()) == ["North Korea", "Politics", "Russia"]
    assert list(article.sources.all()) == [source.organisation]
    assert article.embargo_lifts_at.year == 2030 and article.embargoed_by == source.organisation
    assert article.created_by is None
    record = article.wire_item
    assert (record.source, record.version, record.language, record.byline) == (source, "1", "en", "Anna Petrova")
    assert record.copyright.startswith("Copyright 2023") and record.usage_terms.startswith("Editorial use only")
    assert Revision.objects.filter(article=article).count() == 1


def test_the_body_goes_through_the_sanitiser(make_source):
    ingest("newsml-tass-kim.xml", make_source())
    body = kim_story().body
    assert "<script" not in body and "alert" not in body and "onclick" not in body
    assert "<em>" in body and body.startswith("<p>VLADIVOSTOK (EWA)")


def test_ingest_never_publishes(make_source):
    ingest("newsml-tass-kim.xml", make_source())
    ingest("rss-agency.xml", make_source(name="NTA", organisation=None))
    assert Article.objects.exclude(status=Article.Status.DRAFT).count() == 0
    assert Article.objects.published().count() == 0


def test_non_text_items_are_skipped_with_a_line_not_an_error(make_source):
    report = ingest("newsml-tass-kim.xml", make_source())
    [skipped] = [line for line in report.lines if line.startswith("SKIPPED")]
    assert "kim-train-video" in skipped and "not text but video" in skipped
    assert report.failed == 0
    assert not IngestedItem.objects.filter(uri__endswith="kim-train-video").exists()


def test_an_author_whose_name_matches_gets_the_byline(make_source, make_author):
    anna = make_author(name="Anna Petrova")
    ingest("newsml-tass-kim.xml", make_source())
    assert [byline.author for byline in kim_story().bylines.all()] == [anna]


def test_without_a_matching_author_the_byline_stays_text(make_source):
    ingest("newsml-tass-kim.xml", make_source())
    article = kim_story()
    assert article.bylines.count() == 0
    assert article.wire_item.byline == "Anna Petrova"


def test_the_agency_is_matched_by_name_or_created_as_a_news_agency(make_section, make_organisation):
    make_section(slug="world")
    ingest("rss-agency.xml")
    created = Organisation.objects.get(name="Nordic Telegram Agency")
    assert created.kind == Organisation.Kind.NEWS_AGENCY
    existing = make_organisation(name="Nederlands Persbureau (voorbeeld)", slug="npb")
    ingest("atom-agency.xml")
    assert list(Article.objects.get(headline__startswith="Kabinet").sources.all()) == [existing]
    assert Organisation.objects.filter(name="Nederlands Persbureau (voorbeeld)").count() == 1


def test_the_same_uri_and_version_twice_changes_nothing(make_source):
    source = make_source()
    ingest("newsml-tass-kim.xml", source)
    article = kim_story()
    report = ingest("newsml-tass-kim.xml", source)
    assert sum(line.startswith("UNCHANGED") for line in report.lines) == 2
    assert Article.objects.count() == 2
    after = kim_story()
    assert (after.version, after.updated_at) == (article.version, article.updated_at)
    assert Revision.objects.filter(article=article).count() == 1


def test_a_newer_version_updates_its_draft_and_records_a_revision(make_source):
    source = make_source()
    ingest("newsml-tass-kim.xml", source)
    report = ingest("newsml-kim-update.xml", source)
    assert report.lines[0].startswith("UPDATED")
    article = kim_story()
    assert article.headline.startswith("UPDATE 1-North Korea's Kim leaves Russia")
    assert "bulletproof protection" in article.body
    assert article.wire_item.version == "2" and article.wire_item.status == IngestedItem.Status.UPDATED
    assert Revision.objects.filter(article=article).count() == 2
    assert Article.objects.count() == 2


def test_an_older_version_after_a_newer_one_changes_nothing(make_source):
    source = make_source()
    ingest("newsml-tass-kim.xml", source)
    ingest("newsml-kim-update.xml", source)
    report = ingest("newsml-tass-kim.xml", source)
    assert report.lines[0].startswith("UNCHANGED")
    assert kim_story().headline.startswith("UPDATE 1")


def test_a_newer_version_of_a_published_story_waits_for_an_editor(make_source):
    source = make_source()
    ingest("newsml-tass-kim.xml", source)
    Article.objects.filter(wire_item__uri=KIM).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), embargo_lifts_at=None, embargoed_by=None
    )
    live = kim_story()
    report = ingest("newsml-kim-update.xml", source)
    assert report.lines[0].startswith("HELD") and "waiting for an editor" in report.lines[0]
    after = kim_story()
    assert (after.headline, after.body, after.version) == (live.headline, live.body, live.version)
    record = after.wire_item
    assert record.pending_version == "2" and record.version == "1"
    assert record.pending_data["headline"].startswith("UPDATE 1")
    assert IngestedItem.objects.needing_attention().filter(pk=record.pk).exists()


def test_a_draft_someone_edited_is_not_overwritten(make_source):
    source = make_source()
    ingest("newsml-tass-kim.xml", source)
    article = kim_story()
    article.headline = "Kim heads home with drones (our rewrite)"
    article.save()
    report = ingest("newsml-kim-update.xml", source)
    assert report.lines[0].startswith("HELD")
    assert kim_story().headline == "Kim heads home with drones (our rewrite)"


def test_a_withdrawal_flags_the_story_but_leaves_it_to_an_editor(make_source):
    source = make_source()
    ingest("newsml-tass-kim.xml", source)
    Article.objects.filter(wire_item__uri=KIM).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), embargo_lifts_at=None, embargoed_by=None
    )
    report = ingest("newsml-kim-kill.xml", source)
    assert report.lines[0].startswith("WITHDRAWN") and "flagged on the newsdesk" in report.lines[0]
    article = kim_story()
    assert article.is_published()
    record = article.wire_item
    assert record.status == IngestedItem.Status.WITHDRAWN and record.notice.startswith("KILL")


def test_a_withdrawal_of_an_unknown_item_is_recorded_without_a_story(make_source):
    ingest("newsml-kim-kill.xml", make_source())
    record = IngestedItem.objects.get(uri=KIM)
    assert record.status == IngestedItem.Status.WITHDRAWN and record.article is None
    assert Article.objects.count() == 0


def test_a_bad_item_fails_alone_and_the_rest_of_the_batch_goes_in(make_source, tmp_path):
    for name in ("ninjs-1x-list.json", "rss-agency.xml"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "broken.json").write_text('{"uri": "urn:x", "headline": ')
    (tmp_path / "broken.xml").write_text("<newsItem><open></newsItem>")
    report = ingest_location(str(tmp_path), make_source(organisation=None))
    errors = [line for line in report.lines if line.startswith("ERROR")]
    assert report.failed == len(errors) == 3
    assert any("broken.json" in line and "not valid JSON" in line for line in errors)
    assert any("broken.xml" in line and "not well-formed XML" in line for line in errors)
    assert any("ninjs-1x-list.json item 2" in line and "no uri" in line for line in errors)
    assert Article.objects.count() == 3


def test_nul_bytes_in_an_item_are_dropped_and_the_batch_goes_in(make_source, tmp_path):
    """PostgreSQL refuses a NUL in text: kept, it failed the item's save and then the note of its failure."""
    items = [
        {"uri": "urn:nul:1", "type": "text", "headline": "Kim\u0000 leaves", "body_html": "<p>Dro\u0000nes</p>"},
        {"uri": "urn:nul\u0000:2", "type": "text", "headline": "Second", "subject": [{"name": "Tr\u0000ains"}]},
        {"uri": "urn:ok:3", "type": "text", "headline": "Third"},
    ]
    for number, item in enumerate(items):
        (tmp_path / f"{number}.json").write_text(json.dumps(item))
    report = ingest_location(str(tmp_path), make_source(organisation=None))
    assert report.failed == 0, report.lines
    assert sorted(Article.objects.values_list("headline", flat=True)) == ["Kim leaves", "Second", "Third"]
    assert Article.objects.get(headline="Kim leaves").body == "<p>Drones</p>"
    assert list(Article.objects.get(headline="Second").tags.names()) == ["Trains"]
    assert set(IngestedItem.objects.values_list("uri", flat=True)) == {"urn:nul:1", "urn:nul:2", "urn:ok:3"}


def test_an_item_that_fails_while_saving_leaves_nothing_half_imported(make_source, monkeypatch):
    source = make_source()

    def broken_set(self, *args, **kwargs):
        raise RuntimeError("tag store is down")

    monkeypatch.setattr("taggit.managers._TaggableManager.set", broken_set)
    report = ingest("newsml-tass-kim.xml", source)
    assert report.failed == 2
    assert Article.objects.count() == 0
    record = IngestedItem.objects.get(uri=KIM)
    assert record.status == IngestedItem.Status.ERROR and "tag store is down" in record.error_message
    assert record.article is None


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(make_source, tmp_path, settings):
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # 50 MB, sparse: nothing is written.
    report = ingest_location(str(huge), make_source())
    [line] = report.lines
    assert line.startswith(f"ERROR {huge}: is 50.0\xa0MB") and "are refused" in line


def test_the_command_prints_a_line_per_item_and_exits_non_zero_after_all(make_source, tmp_path, capsys):
    make_source(name="EWA")
    shutil.copy(DATA / "newsml-tass-kim.xml", tmp_path / "a.xml")
    (tmp_path / "b.xml").write_text("<oops")
    with pytest.raises(CommandError, match="1 of 4 items failed"):
        call_command("ingest", str(tmp_path), source="EWA")
    out, err = capsys.readouterr()
    assert out.count("CREATED") == 2 and "SKIPPED" in out
    assert "b.xml" in err and "not well-formed XML" in err
    assert Article.objects.count() == 2


def test_the_command_exits_zero_when_all_went_in(make_section, capsys):
    make_section(slug="world")
    call_command("ingest", str(DATA / "atom-agency.xml"))
    assert "CREATED" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_source():
    with pytest.raises(CommandError, match="no wire source called"):
        call_command("ingest", "x.xml", source="Nobody")


def test_ingest_reads_a_feed_from_an_address(make_source, wire_server):
    url = wire_server.serve("/nta.rss", (DATA / "rss-agency.xml").read_bytes(), "application/rss+xml")
    report = ingest_location(url, make_source(name="NTA", organisation=None, url=url))
    assert report.failed == 0
    assert Article.objects.filter(headline="Central bank holds rate at 4 percent").exists()


def test_a_feed_that_redirects_to_a_private_address_is_refused(make_source, wire_server):
    url = wire_server.serve("/feed", b"", status=302, headers={"Location": "http://10.20.30.40/feed.xml"})
    report = ingest_location(url, make_source(url=url))
    [line] = report.lines
    assert line.startswith(f"ERROR {url}: not fetched") and "10.20.30.40" in line
    assert report.failed == 1 and Article.objects.count() == 0


def feed_with_picture(picture_url):
    return (DATA / "rss-agency.xml").read_bytes().replace(b"PICTURE_URL", picture_url.encode())


def test_a_picture_from_an_allowed_host_goes_into_the_library(
    make_source, wire_server, png, tmp_path, django_capture_on_commit_callbacks
):
    picture = wire_server.serve("/pictures/ferry.png", png(), "image/png")
    (tmp_path / "feed.xml").write_bytes(feed_with_picture(picture))
    source = make_source(picture_hosts="127.0.0.1", picture_schemes="http")
    # Committed, the photo is handed to the task worker, which makes its renditions.
    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_location(str(tmp_path / "feed.xml"), source)
    assert "with its picture" in report.lines[0]
    photo = Article.objects.get(headline__startswith="Ferry").photo
    assert photo.credit == "NTA/Lars Nyström" and photo.source_organisation == source.organisation
    assert photo.renditions.exists()


def test_a_picture_from_a_host_the_source_does_not_allow_is_not_fetched(make_source, wire_server, png, tmp_path):
    picture = wire_server.serve("/pictures/ferry.png", png(), "image/png")
    (tmp_path / "feed.xml").write_bytes(feed_with_picture(picture))
    report = ingest_location(
        str(tmp_path / "feed.xml"), make_source(picture_hosts="photos.example", picture_schemes="http")
    )
    assert "picture not fetched" in report.lines[0] and report.failed == 0
    assert wire_server.requests == [] and Photo.objects.count() == 0
    assert Article.objects.get(headline__startswith="Ferry").photo is None


def test_a_picture_that_fails_the_library_checks_is_refused_but_the_story_goes_in(make_source, wire_server, tmp_path):
    picture = wire_server.serve("/pictures/ferry.png", b"<svg onload=alert(1)>", "image/png")
    (tmp_path / "feed.xml").write_bytes(feed_with_picture(picture))
    report = ingest_location(str(tmp_path / "feed.xml"), make_source(picture_hosts="127.0.0.1", picture_schemes="http"))
    assert "picture refused: This file is not an image" in report.lines[0]
    assert Photo.objects.count() == 0 and Article.objects.filter(headline__startswith="Ferry").exists()


def test_iptc_ninjs_examples_go_in(make_section):
    make_section(slug="world")
    report = ingest_location(str(DATA / "ninjs-3.1"))
    outcome = {line.split("ninjs-3.1/")[1].split(" ")[0]: line.split(" ")[0] for line in report.lines}
    assert outcome == {
        "001_simple_example.json": "CREATED",
        "002_renditions_example.json": "ERROR",  # IPTC's fragment has no headline.
        "003_associations_example.json": "CREATED",  # A press release with its pictures: text.
        "004_simple_text_article.json": "UNCHANGED",  # The same uri and time as 001.
        "005_complex_text_article.json": "CREATED",
        "006_photo_only.json": "SKIPPED",
    }
    assert report.failed == 1


def test_a_withdrawal_is_the_newest_version_and_earlier_ones_read_again_change_nothing(make_source, tmp_path):
    source = make_source()
    ingest("newsml-tass-kim.xml", source)
    ingest("newsml-kim-kill.xml", source)
    report = ingest("newsml-kim-update.xml", source)
    assert report.lines[0].startswith("UNCHANGED")
    assert IngestedItem.objects.get(uri=KIM).status == IngestedItem.Status.WITHDRAWN


def test_an_item_that_failed_is_tried_again_at_the_same_version(make_source, monkeypatch):
    source = make_source()
    with monkeypatch.context() as patch:
        patch.setattr("wires.ingest.matching_authors", lambda byline: 1 / 0)
        assert ingest("newsml-tass-kim.xml", source).failed == 2
    report = ingest("newsml-tass-kim.xml", source)
    assert report.failed == 0 and sum(line.startswith("CREATED") for line in report.lines) == 2
    assert IngestedItem.objects.get(uri=KIM).status == IngestedItem.Status.INGESTED


def test_a_feed_address_answering_too_much_is_refused(make_source, wire_server, settings):
    settings.NEWSROOM_WIRE_MAX_BYTES = 1000
    url = wire_server.serve("/huge.rss", (DATA / "rss-agency.xml").read_bytes() + b" " * 2000, "application/rss+xml")
    [line] = ingest_location(url, make_source(url=url)).lines
    assert line.startswith(f"ERROR {url}: not fetched") and "limit is 1000" in line


def test_an_overlong_uri_is_refused_with_a_line(make_source, tmp_path):
    (tmp_path / "long.json").write_text('{"uri": "urn:x:%s", "headline": "H"}' % ("y" * 600))
    report = ingest_location(str(tmp_path / "long.json"), make_source())
    assert report.failed == 1 and "longer than 500 characters" in report.lines[0]
    assert Article.objects.count() == IngestedItem.objects.count() == 0


def test_a_wire_body_cannot_show_photos_from_our_library(make_source, make_photo, tmp_path):
    photo = make_photo()
    feed = (DATA / "rss-agency.xml").read_text()
    figures = f'<figure data-photo="{photo.pk}"></figure><figure data-gallery="{photo.pk}"></figure>'
    (tmp_path / "agency.xml").write_text(feed.replace("<p>Markets had", f"{figures}<p>Markets had"))

    ingest_location(str(tmp_path / "agency.xml"), make_source(organisation=None))

    article = Article.objects.get(headline="Central bank holds rate at 4 percent")
    assert (
        article.body
        == "<p>The central bank left its policy rate unchanged.</p><p>Markets had expected the decision.</p>"
    )
    assert not article.inline_photos.exists()
    assert sanitise_html(figures) == figures  # Written in the newsroom, the same blocks stand.
