"""Which stories the home page shows, and where: the one place that decides it."""

from typing import NamedTuple

from django.db.models import Subquery

from articles.models import Article, Section

from .models import SLOTS, Lineup, Placement

LATEST_COUNT = 6
PER_SECTION_COUNT = 4


class Slot(NamedTuple):
    article: Article
    package: list
    # Put there by an editor, rather than filled with the latest story.
    is_chosen: bool


class HomePage(NamedTuple):
    slots: list
    latest: list
    sections: list

    @property
    def lead(self):
        return self.slots[0] if self.slots else None


def placements(lineup=None, at=None):
    """
    Return {position: (article id, [package ids])} of `lineup`, or of the lineup in force
    at `at` (now), read in one query.
    """
    if lineup is not None:
        rows = Placement.objects.filter(lineup=lineup)
    else:
        rows = Placement.objects.filter(lineup=Subquery(Lineup.objects.taken_effect(at).values("pk")[:1]))
    chosen = {}
    for position, article_id, package_id in rows.values_list("position", "article_id", "package__id"):
        _article_id, package = chosen.setdefault(position, (article_id, []))
        if package_id is not None:
            package.append(package_id)
    return chosen


def home_page(lineup=None):
    """Return the home page: the lineup's stories readers may see, its empty slots filled with the latest."""
    chosen = placements(lineup)
    ids = {article_id for article_id, _package in chosen.values()}
    ids |= {story_id for _article_id, package in chosen.values() for story_id in package}
    front = (
        Article.objects.published()
        .for_listing()
        .front_page(Section.objects.navigation(), SLOTS + LATEST_COUNT + len(ids), PER_SECTION_COUNT, chosen=ids)
    )
    shown, slots = set(), []
    for position in range(SLOTS):
        article_id, package_ids = chosen.get(position, (None, []))
        article = front.chosen.get(article_id)
        if article is None or article.pk in shown:
            slots.append(None)  # Filled below with the latest story.
            continue
        package = [front.chosen[pk] for pk in package_ids if pk in front.chosen and pk not in shown | {article.pk}]
        package.sort(key=lambda story: (story.published_at, story.pk), reverse=True)
        slots.append(Slot(article, package, is_chosen=True))
        shown |= {article.pk, *(story.pk for story in package)}
    # Slots left empty, or whose story readers may no longer see, take the latest stories.
    filling = (article for article in front.latest if article.pk not in shown and article.pk not in ids)
    for position, slot in enumerate(slots):
        if slot is None and (article := next(filling, None)) is not None:
            slots[position] = Slot(article, [], is_chosen=False)
            shown.add(article.pk)
    slots = [slot for slot in slots if slot is not None]
    latest = [article for article in front.latest if article.pk not in shown][:LATEST_COUNT]
    sections = [(section, articles) for section, articles in front.by_section if articles]
    return HomePage(slots=slots, latest=latest, sections=sections)
