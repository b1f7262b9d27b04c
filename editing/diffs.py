"""Word-level differences between two revisions, field by field, as editors read them."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from itertools import zip_longest

from django.utils import timezone
from django.utils.dateformat import format as format_date

from articles.html import html_to_lines
from articles.models import Article, Byline

from .revisions import DATETIME_DISPLAY, SNAPSHOT_FIELDS

SIMILAR_LINE_RATIO = 0.4
DIFF_CONTEXT_LINES = 2


def _display_datetime(value):
    return format_date(timezone.localtime(datetime.fromisoformat(value)), DATETIME_DISPLAY) if value else ""


def field_lines(name, data):
    """Return field `name` of snapshot `data` as lines of readable text."""
    value = data.get(name)
    if name == "body":
        return html_to_lines(value, with_links=True)
    if name == "section":
        return [value["name"]] if value else []
    if name == "bylines":
        return [f"{b['name']} ({b['role']})" if b["role"] else b["name"] for b in value or []]
    if name == "sources":
        return [source["name"] for source in value or []]
    if name == "tags":
        return list(value or [])
    if name == "status":
        return [str(Article.Status(value).label)] if value in Article.Status.values else ([value] if value else [])
    if name == "published_at":
        return [_display_datetime(value)] if value else []
    return [line for line in str(value or "").splitlines() if line.strip()]


def field_label(name):
    """Return the label editors know field `name` by."""
    if name == "bylines":
        return str(Byline._meta.verbose_name_plural).capitalize()
    return str(Article._meta.get_field(name).verbose_name).capitalize()


@dataclass
class DiffLine:
    """One line of a diff: `kind` is equal, delete, insert, change or skip (unchanged lines left out)."""

    kind: str
    segments: list = field(default_factory=list)
    skipped: int = 0


@dataclass
class FieldDiff:
    name: str
    label: str
    lines: list

    @property
    def changed(self):
        return any(line.kind not in {"equal", "skip"} for line in self.lines)


def _words(line):
    return re.findall(r"\w+|\s+|[^\w\s]", line)


def _line_change(old, new):
    """Return one changed line as segments, with the words taken out and put in marked."""
    old_words, new_words = _words(old), _words(new)
    segments = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("equal", "".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", "".join(old_words[i1:i2])))
        if j2 > j1:
            segments.append(("insert", "".join(new_words[j1:j2])))
    return DiffLine("change", segments)


def diff_lines(old, new, context=DIFF_CONTEXT_LINES):
    """Compare two lists of lines; keep `context` unchanged lines around each change."""
    rows = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(DiffLine("equal", [("equal", line)]) for line in old[i1:i2])
            continue
        for before, after in zip_longest(old[i1:i2], new[j1:j2]):
            similar = (
                before is not None
                and after is not None
                and SequenceMatcher(None, before, after, autojunk=False).ratio() >= SIMILAR_LINE_RATIO
            )
            if similar:
                rows.append(_line_change(before, after))
                continue
            if before is not None:
                rows.append(DiffLine("delete", [("delete", before)]))
            if after is not None:
                rows.append(DiffLine("insert", [("insert", after)]))
    return _elide_unchanged(rows, context)


def _elide_unchanged(rows, context):
    changed = [index for index, row in enumerate(rows) if row.kind != "equal"]
    if not changed:
        return rows
    keep = {i for index in changed for i in range(index - context, index + context + 1)}
    result = []
    for index, row in enumerate(rows):
        if index in keep:
            result.append(row)
        elif result and result[-1].kind == "skip":
            result[-1].skipped += 1
        else:
            result.append(DiffLine("skip", skipped=1))
    return result


def compare(old, new, fields=SNAPSHOT_FIELDS):
    """Return the diffs of the fields that differ between two snapshots, from `old` to `new`."""
    diffs = (
        FieldDiff(name, field_label(name), diff_lines(field_lines(name, old), field_lines(name, new)))
        for name in fields
    )
    return [diff for diff in diffs if diff.changed]


def changed_fields(old, new):
    """Return the labels of the fields that differ between two snapshots."""
    return [field_label(name) for name in SNAPSHOT_FIELDS if field_lines(name, old) != field_lines(name, new)]
