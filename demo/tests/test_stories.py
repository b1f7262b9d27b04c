from collections import Counter
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from PIL import Image

from demo import drawing
from demo.stories import (
    DATA_DIR,
    PUBLISHED_SAMPLE_COUNT,
    REPORTER_STAGES,
    Stage,
    generate_samples,
    read_data,
    read_real_story,
    split_story_text,
)

BEFORE = datetime(2023, 9, 17, 12, 0, tzinfo=UTC)


def samples():
    return generate_samples(read_data("sample-stories.json"), read_data("sample-authors.json"), before=BEFORE)


def test_samples_are_the_same_every_run():
    assert samples() == samples()


def test_samples_are_published_two_a_day_before_the_real_story_except_the_reporters():
    stories = samples()

    published = [story for story in stories if story["stage"] == Stage.PUBLISHED]
    assert len(published) == PUBLISHED_SAMPLE_COUNT == 60
    days = Counter(story["published_at"].date() for story in published)
    assert set(days.values()) == {2}
    assert (min(days), max(days)) == (date(2023, 8, 18), date(2023, 9, 16))
    unpublished = [story for story in stories if story["stage"] != Stage.PUBLISHED]
    assert [story["stage"] for story in unpublished] == REPORTER_STAGES
    assert all(story["published_at"] is None for story in unpublished)
    assert [story["stage"] for story in stories if story["send_back_note"]] == [Stage.SENT_BACK]


def test_samples_are_bylined_only_to_the_invented_authors_on_their_beats():
    authors = {author["name"]: author for author in read_data("sample-authors.json")}

    for story in samples():
        (first, _), *others = story["bylines"]
        assert story["section"] in authors[first]["beats"]
        assert all(name in authors and role == "Additional reporting" for name, role in others)


def test_real_story_is_read_verbatim_without_the_comment_counter():
    story = read_real_story()
    text = (DATA_DIR / "kim-leaves-russia.txt").read_text(encoding="utf-8")

    assert text.startswith(story["headline"])
    assert story["author"]["bio"] in text
    assert story["author"]["bio"].startswith("Mridha Shihab Mahmud is")
    assert "No Comments" in text and "No Comments" not in story["body"] + story["author"]["bio"]
    assert story["published_at"] == BEFORE


def test_a_story_without_its_authors_bio_is_refused():
    with pytest.raises(ValueError, match="no paragraph starting 'Jane Doe is'"):
        split_story_text("Headline\n\nA paragraph.\n\nAnother.", "Jane Doe is")


def test_sample_photo_is_a_marked_landscape_the_same_for_the_same_seed():
    palette = read_data("sections.json")[0]["photo"]

    jpeg = drawing.landscape_jpeg(palette, seed="2023-world")
    assert jpeg == drawing.landscape_jpeg(palette, seed="2023-world")
    assert jpeg != drawing.landscape_jpeg(palette, seed="2023-sport")
    image = Image.open(BytesIO(jpeg))
    assert (image.format, image.size) == ("JPEG", drawing.SIZE)
