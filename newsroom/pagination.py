"""
Pagination that costs the same on the first page and the thousandth, at any size of archive.

Lists in date order are split by keyset: a page is the `per_page` rows just older
(`?before=`) or just newer (`?after=`) than a cursor, the date and id of the row at
its edge, found through the index on (date, id). Nothing is counted and nothing is
skipped with OFFSET, so a deep page reads as few rows as the first. Search results,
ranked rather than dated, take numbered pages up to `MAX_PAGES`, again without a count.
"""

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.db.models import Q
from django.http import QueryDict
from django.utils.functional import cached_property

CURSOR_FORMAT = "%Y%m%d%H%M%S%f"
_CURSOR = re.compile(r"(\d{20})-(\d{1,18})")
CURSOR_PARAMETERS = ("before", "after")


def encode_cursor(moment, pk):
    """Return the cursor of a row: its date in UTC, to the microsecond, and its id."""
    return f"{moment.astimezone(UTC):{CURSOR_FORMAT}}-{pk}"


def decode_cursor(cursor):
    """Return the (date, id) a cursor names; raise InvalidPage for anything else."""
    match = _CURSOR.fullmatch(cursor)
    if not match:
        raise InvalidPage("That is not a page of this list.")
    try:
        moment = datetime.strptime(match[1], CURSOR_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidPage("That is not a page of this list.") from None
    return moment, int(match[2])


def older_than(field, moment, id_field, pk):
    """
    Return the condition for rows that come after (`moment`, `pk`) newest first. The
    range on `field` alone comes first so that the index scan starts at the cursor
    rather than at the newest row; the second term only settles rows of the same time.
    """
    return Q(**{f"{field}__lte": moment}) & (Q(**{f"{field}__lt": moment}) | Q(**{f"{id_field}__lt": pk}))


def newer_than(field, moment, id_field, pk):
    """Return the condition for rows that come before (`moment`, `pk`) newest first."""
    return Q(**{f"{field}__gte": moment}) & (Q(**{f"{field}__gt": moment}) | Q(**{f"{id_field}__gt": pk}))


def filter_first(queryset, condition):
    """
    Return `queryset` filtered by `condition`, put before the conditions it already
    has. Given two bounds on the column of an index range, such as the published
    rule's "up to now" and a cursor's "up to then", SQLite bounds the range by the
    first and checks the other row by row, so the tighter bound has to come first.
    """
    had = len(queryset.query.where.children)
    queryset = queryset.filter(condition)
    where = queryset.query.where
    if where.connector == "AND" and len(where.children) > had:
        where.children[:] = where.children[had:] + where.children[:had]
    return queryset


class Page(Sequence):
    """
    One page of a list, with the query strings of its neighbours. `query` holds what
    names this page in its address (empty on the first); `count` is the number of rows
    in the whole list when it is known without counting (a first page with no next), else None.
    """

    def __init__(self, object_list, params, *, query, previous=None, following=None):
        self.object_list = object_list
        self.query = query
        self._params = params
        self._previous = previous
        self._following = following

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def __repr__(self):
        return f"<Page {self.query or 'first'}>"

    def has_previous(self):
        return self._previous is not None

    def has_next(self):
        return self._following is not None

    def has_other_pages(self):
        return self.has_previous() or self.has_next()

    @property
    def count(self):
        return len(self.object_list) if not self.has_other_pages() else None

    @property
    def previous_query(self):
        return self._with(self._previous)

    @property
    def next_query(self):
        return self._with(self._following)

    def _with(self, changes):
        """Return the current query string with the page parameters replaced by `changes`."""
        if changes is None:
            return None
        params = self._params.copy()
        for name in ("page", *CURSOR_PARAMETERS):
            params.pop(name, None)
        params.update(changes)
        return params


class KeysetPaginator:
    """Split `queryset` into pages of `per_page` rows, newest first by (`date_field`, `id_field`)."""

    def __init__(self, queryset, per_page, date_field, id_field="pk"):
        self.queryset = queryset
        self.per_page = per_page
        self.date_field = date_field
        self.id_field = id_field

    def page(self, params):
        """Return the page `params` (a QueryDict) asks for; raise InvalidPage for one that is not there."""
        cursors = {name: params[name] for name in CURSOR_PARAMETERS if name in params}
        if params.get("page", "1") != "1" or len(cursors) > 1:
            # Numbered pages would need OFFSET; an old `?page=2` address is no page any more.
            raise InvalidPage("That is not a page of this list.")
        newest_first = (f"-{self.date_field}", f"-{self.id_field}")
        if not cursors:
            rows = list(self.queryset.order_by(*newest_first)[: self.per_page + 1])
            return self._page(rows[: self.per_page], params, {}, has_newer=False, has_older=len(rows) > self.per_page)
        ((name, cursor),) = cursors.items()
        moment, pk = decode_cursor(cursor)
        if name == "before":
            rows = filter_first(self.queryset, older_than(self.date_field, moment, self.id_field, pk))
            rows = rows.order_by(*newest_first)
            rows = list(rows[: self.per_page + 1])
            has_newer, has_older = True, len(rows) > self.per_page
            rows = rows[: self.per_page]
        else:
            rows = filter_first(self.queryset, newer_than(self.date_field, moment, self.id_field, pk))
            rows = rows.order_by(self.date_field, self.id_field)
            rows = list(rows[: self.per_page + 1])
            has_newer, has_older = len(rows) > self.per_page, True
            rows = rows[: self.per_page][::-1]
        if not rows:
            raise InvalidPage("There are no stories on that page.")
        return self._page(rows, params, {name: cursor}, has_newer=has_newer, has_older=has_older)

    def _page(self, rows, params, query, *, has_newer, has_older):
        return Page(
            rows,
            params,
            query=query,
            previous=self._cursor_query("after", rows[0]) if has_newer else None,
            following=self._cursor_query("before", rows[-1]) if has_older else None,
        )

    def _cursor_query(self, name, row):
        return {name: encode_cursor(getattr(row, self.date_field), getattr(row, self.id_field))}


class CappedPaginator:
    """Split ranked `queryset` into numbered pages of `per_page` rows, at most `max_pages` of them, never counting."""

    def __init__(self, queryset, per_page, max_pages):
        self.queryset = queryset
        self.per_page = per_page
        self.max_pages = max_pages

    def page(self, params):
        """Return the page `params` (a QueryDict) asks for; raise InvalidPage for one that is not there."""
        number = params.get("page", "1")
        if not number.isdecimal() or not 1 <= int(number) <= self.max_pages:
            raise InvalidPage("That is not a page of this list.")
        number = int(number)
        start = (number - 1) * self.per_page
        rows = list(self.queryset[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise InvalidPage("There are no results on that page.")
        has_next = len(rows) > self.per_page and number < self.max_pages
        page = Page(
            rows[: self.per_page],
            params,
            query={"page": str(number)} if number > 1 else {},
            previous={"page": str(number - 1)} if number > 1 else None,
            following={"page": str(number + 1)} if has_next else None,
        )
        page.number = number
        return page


def query_string(query):
    """Return `query` (a mapping) as the part of an address after the "?", or ""."""
    if not query:
        return ""
    params = QueryDict(mutable=True)
    params.update(query)
    return "?" + params.urlencode()


class EstimatingPaginator(Paginator):
    """
    A paginator for the admin's lists that never reads a whole list to count it. It counts
    up to COUNT_UP_TO rows (a bounded query: it stops there); a list longer than that
    is, on PostgreSQL, as long as the planner estimates when that is more than
    ESTIMATE_ABOVE, and otherwise "more than COUNT_UP_TO", paged that far. An exact count
    of a million stories, or of a common word's 40,000 matches, reads them all on every
    load, and nobody pages to the last of them.
    """

    COUNT_UP_TO = 1_000
    ESTIMATE_ABOVE = 10_000

    # How `count` was found: exactly, from the planner's estimate, or stopped at COUNT_UP_TO.
    is_estimate = False
    is_capped = False

    @property
    def is_exact(self):
        """Tell whether `count` is the list's exact length."""
        _ = self.count  # Finding it sets how it was found.
        return not (self.is_estimate or self.is_capped)

    @cached_property
    def count(self):
        queryset = self.object_list
        if queryset.query.is_empty():
            return 0  # none(): nothing to plan, and nothing to count.
        counted = queryset.order_by()[: self.COUNT_UP_TO + 1].count()
        if counted <= self.COUNT_UP_TO:
            return counted
        if connections[queryset.db].vendor == "postgresql":
            # EXPLAIN plans the query without running it; its top node says how many rows it expects.
            plan = json.loads(queryset.explain(format="json"))
            estimate = int(plan[0]["Plan"]["Plan Rows"])
            if estimate > self.ESTIMATE_ABOVE:
                self.is_estimate = True
                return estimate
        self.is_capped = True
        return self.COUNT_UP_TO
