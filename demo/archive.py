"""
The archive that `seed_archive` writes: many published stories that read like a
newsroom's back catalogue, generated from the files in data/ without the database.

Story number `index` is always the same story, whatever else is generated (its
generator is seeded from the index), so a rerun or a larger count adds stories and
changes none of those already written. Its publication time is counted back from
the day it is generated, so every story is in the past.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils.text import slugify

from .stories import paragraphs_to_html, read_data

# How far back the archive reaches, and how many stories carry one of the library's photos.
YEARS = 12
PHOTO_SHARE = 0.4
# Real archives are lopsided: a few tags, authors and agencies cover a large share of
# the stories. Weights of 1 / rank**SKEW give that shape without one tag on everything.
SKEW = 0.8
TAGS_PER_STORY = (3, 5)
AUTHORS_PER_STORY = [1, 2, 3]
AUTHORS_PER_STORY_WEIGHTS = [70, 25, 5]
SOURCES_PER_STORY = [0, 1, 2, 3]
SOURCES_PER_STORY_WEIGHTS = [30, 45, 20, 5]
PARAGRAPHS_PER_STORY = (6, 12)
# Paragraphs are drawn from a pool written once per place, so that a million stories
# cost a million joins rather than tens of millions of filled-in sentences.
PARAGRAPHS_PER_PLACE = 200


@dataclass(frozen=True)
class Pools:
    """What the archive's stories are drawn from: data/archive.json and the sample stories' templates."""

    seed: int
    slug_prefix: str
    templates: dict
    places: list
    tags: list
    authors: list
    organisations: list
    roles: list

    @classmethod
    def load(cls):
        """Read the pools from data/."""
        data = read_data("archive.json")
        templates = read_data("sample-stories.json")
        places = templates["places"] + data["extra_places"]
        return cls(
            seed=data["seed"],
            slug_prefix=data["slug_prefix"],
            templates=templates,
            places=places,
            tags=tag_names(data["topics"], places, data["tag_count"]),
            authors=author_specs(data, random.Random(data["seed"])),
            organisations=data["organisations"],
            roles=data["roles"],
        )

    def slug(self, index, headline=""):
        """Return story `index`'s slug; the zero-padded number first, so slugs sort by index."""
        return f"{self.slug_prefix}{index:07d}-{slugify(headline)}"[:200].rstrip("-")

    def index_bounds(self, start, stop):
        """Return the slugs that bound stories `start` to `stop - 1`, for a range query."""
        return f"{self.slug_prefix}{start:07d}", f"{self.slug_prefix}{stop:07d}"


def tag_names(topics, places, count):
    """Return `count` tag names: every topic, then topics in places ("Housing in Lowmoor")."""
    local = (f"{topic} in {place}" for place, topic in itertools.product(places, topics))
    return list(itertools.islice(itertools.chain(topics, local), count))


def author_specs(data, rng):
    """Return the invented authors: name, job title and the organisation they work for."""
    names = [f"{first} {last}" for first, last in itertools.product(data["first_names"], data["last_names"])]
    employers = [spec["slug"] for spec in data["organisations"] if spec["kind"] in {"publisher", "broadcaster"}]
    return [
        {"name": name, "job_title": rng.choice(data["job_titles"]), "organisation": rng.choice(employers)}
        for name in rng.sample(names, data["author_count"])
    ]


def skewed_weights(count):
    """Return cumulative weights that favour the first items of a pool of `count`."""
    return list(itertools.accumulate(1 / (rank + 1) ** SKEW for rank in range(count)))


class ArchiveGenerator:
    """Generate archive stories as dictionaries of plain values, numbered from 0."""

    def __init__(self, pools, sections, newest):
        self.pools = pools
        self.sections = sections
        self.newest = newest
        self.span_seconds = int(timedelta(days=365 * YEARS).total_seconds())
        self.tag_weights = skewed_weights(len(pools.tags))
        self.author_weights = skewed_weights(len(pools.authors))
        self.source_weights = skewed_weights(len(pools.organisations))
        rng = random.Random(pools.seed)
        self.paragraphs = {
            place: [paragraphs_to_html([self.paragraph(rng, place)]) for _ in range(PARAGRAPHS_PER_PLACE)]
            for place in pools.places
        }

    def fill(self, rng, template, place):
        """Fill in a template's place, number and weekday."""
        weekdays = self.pools.templates["weekdays"]
        return template.format(place=place, number=rng.randint(3, 40), weekday=rng.choice(weekdays))

    def paragraph(self, rng, place):
        """Return a paragraph of two to four of the templates' sentences, about `place`."""
        sentences = rng.sample(self.pools.templates["sentences"], rng.randint(2, 4))
        return " ".join(self.fill(rng, sentence, place) for sentence in sentences)

    def story(self, index):
        """Return story `index`: tags, authors and sources are given as positions in the pools."""
        pools, templates = self.pools, self.pools.templates
        rng = random.Random(pools.seed * 10_000_019 + index)
        section = self.sections[rng.randrange(len(self.sections))]
        place = rng.choice(pools.places)
        headline = self.fill(rng, rng.choice(templates["headlines"][section]), place)
        standfirst = self.paragraph(rng, place).split(". ")[0].rstrip(".") + "."
        paragraphs = rng.sample(self.paragraphs[place], rng.randint(*PARAGRAPHS_PER_STORY))
        authors = self.distinct(
            rng, len(pools.authors), self.author_weights, rng.choices(AUTHORS_PER_STORY, AUTHORS_PER_STORY_WEIGHTS)[0]
        )
        sources = self.distinct(
            rng,
            len(pools.organisations),
            self.source_weights,
            rng.choices(SOURCES_PER_STORY, SOURCES_PER_STORY_WEIGHTS)[0],
        )
        return {
            "index": index,
            "slug": pools.slug(index, headline),
            "headline": templates["headline_prefix"] + headline,
            "standfirst": standfirst,
            "body": "\n".join([templates["marker"], *paragraphs]),
            "section": section,
            "dateline": place,
            "tags": self.distinct(rng, len(pools.tags), self.tag_weights, rng.randint(*TAGS_PER_STORY)),
            "bylines": [
                (author, "" if position == 0 else rng.choice(pools.roles)) for position, author in enumerate(authors)
            ],
            "sources": sources,
            "has_photo": rng.random() < PHOTO_SHARE,
            "published_at": self.newest - timedelta(seconds=rng.randrange(self.span_seconds)),
        }

    @staticmethod
    def distinct(rng, size, cum_weights, count):
        """Return `count` different positions in a pool of `size`, drawn with `cum_weights`."""
        chosen = []
        while len(chosen) < count:
            position = rng.choices(range(size), cum_weights=cum_weights)[0]
            if position not in chosen:
                chosen.append(position)
        return chosen
