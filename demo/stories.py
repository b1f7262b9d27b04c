"""
The demo's stories as plain dictionaries: the real one read from its text file, and
the samples generated from the templates in data/sample-stories.json.

The samples' authors and towns are invented, so that nobody mistakes a sample story
for a real person's work or a real place's news. Nothing here touches the database;
`load_demo` saves the stories and moves them through the workflow to their `stage`.
"""

import json
import random
import re
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from django.utils.html import escape

DATA_DIR = Path(__file__).resolve().parent / "data"

# With the real story, enough to give the home page and archives more than a page.
PUBLISHED_SAMPLE_COUNT = 60


class Stage(StrEnum):
    """Where a demo story stands in the workflow, and so which history it is given."""

    PUBLISHED = "published"
    IN_REVIEW = "in review"
    SENT_BACK = "sent back"
    DRAFT = "draft"


# The reporter's unpublished samples, in the order they fall among the others:
# enough for both newsdesks to have something to show.
REPORTER_STAGES = [Stage.SENT_BACK, Stage.IN_REVIEW, Stage.DRAFT]


def read_data(name):
    """Return the contents of the JSON file `name` in data/."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def paragraphs_to_html(paragraphs):
    """Return plain-text paragraphs as escaped HTML paragraphs."""
    return "\n".join(f"<p>{escape(' '.join(paragraph.split()))}</p>" for paragraph in paragraphs)


def split_story_text(text, bio_starts):
    """Return the headline, body paragraphs and author's bio of a story copied from a web page."""
    lines = text.strip().splitlines()
    # The copied page ends with the comment counter, which is not part of the story.
    if lines and lines[-1].strip() == "No Comments":
        lines.pop()
    headline, *rest = lines
    paragraphs = [block.strip() for block in re.split(r"\n\s*\n", "\n".join(rest)) if block.strip()]
    for index, paragraph in enumerate(paragraphs):
        if paragraph.startswith(bio_starts):
            return headline.strip(), paragraphs[:index], paragraph
    raise ValueError(f"The story has no paragraph starting {bio_starts!r}; cannot tell the bio from the story.")


def read_real_story():
    """Return the real story, with its author's details and bio under "author"."""
    story = read_data("real-story.json")
    text = (DATA_DIR / story["text"]).read_text(encoding="utf-8")
    headline, paragraphs, bio = split_story_text(text, story["author"]["bio_starts"])
    return {
        "slug": story["slug"],
        "headline": headline,
        "standfirst": story["standfirst"],
        "body": paragraphs_to_html(paragraphs),
        "section": story["section"],
        "dateline": story["dateline"],
        "tags": story["tags"],
        "sources": story["sources"],
        "author": story["author"] | {"bio": bio},
        "bylines": [(story["author"]["name"], "")],
        "has_sample_photo": False,  # No invented picture on a real story.
        "stage": Stage.PUBLISHED,
        "published_at": datetime.fromisoformat(story["published_at"]),
        "send_back_note": "",
    }


def generate_samples(templates, authors, before):
    """
    Return the sample stories, published two a day up to the day before `before`,
    drawn from a generator seeded from `templates` so that every run gives the same ones.
    """
    rng = random.Random(templates["seed"])
    section_slugs = list(templates["headlines"])
    beats = {slug: [author["name"] for author in authors if slug in author["beats"]] for slug in section_slugs}
    count = PUBLISHED_SAMPLE_COUNT + len(REPORTER_STAGES)
    sections = [section_slugs[index % len(section_slugs)] for index in range(count)]
    rng.shuffle(sections)
    stages = dict(zip(sorted(rng.sample(range(count), len(REPORTER_STAGES))), REPORTER_STAGES))
    first_day = before.replace(hour=0, minute=0)

    def fill(template, place):
        return template.format(place=place, number=rng.randint(3, 40), weekday=rng.choice(templates["weekdays"]))

    samples = []
    published_index = 0
    for index, section in enumerate(sections):
        place = rng.choice(templates["places"])
        headline = fill(rng.choice(templates["headlines"][section]), place)
        paragraphs = [
            " ".join(fill(sentence, place) for sentence in rng.sample(templates["sentences"], rng.randint(2, 4)))
            for _ in range(rng.randint(3, 5))
        ]
        names = rng.sample(beats[section], 1)
        if rng.random() < 0.25:
            names.append(rng.choice([author["name"] for author in authors if author["name"] not in names]))
        tags = rng.sample(templates["tags"], rng.randint(1, 3))
        stage = stages.get(index, Stage.PUBLISHED)
        published_at = None
        if stage == Stage.PUBLISHED:
            days_back = (PUBLISHED_SAMPLE_COUNT - published_index + 1) // 2
            published_index += 1
            published_at = (
                first_day
                - timedelta(days=days_back)
                + timedelta(hours=rng.randint(7, 20), minutes=rng.choice([0, 15, 30, 45]))
            )
        samples.append(
            {
                "slug": f"sample-story-{index + 1:02d}",
                "headline": templates["headline_prefix"] + headline,
                "standfirst": paragraphs[0].split(". ")[0].rstrip(".") + ".",
                "body": templates["marker"] + "\n" + paragraphs_to_html(paragraphs),
                "section": section,
                "dateline": place,
                "tags": tags,
                "sources": [],
                "bylines": list(zip(names, ["", "Additional reporting"])),
                "has_sample_photo": True,
                "stage": stage,
                "published_at": published_at,
                "send_back_note": templates["send_back_note"] if stage == Stage.SENT_BACK else "",
            }
        )
    return samples
