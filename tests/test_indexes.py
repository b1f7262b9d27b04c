"""
No index of the project's tables is the leading part of another. Each index costs every
write to its table and room beside it, and an index on (a, b) serves a lookup on a as
well: a foreign key that leads a composite index or unique pair is declared with
`db_index=False`.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from articles.models import Byline


def project_models():
    """Yield the models of the project's own apps, whose tables the project's migrations make."""
    for app in apps.get_app_configs():
        if Path(app.path).parent == Path(settings.BASE_DIR):
            # Django makes a many-to-many field's own table, with an index on each key beside
            # the unique pair; the large ones (sources, tags) have through models instead.
            yield from (model for model in app.get_models() if not model._meta.auto_created)


def conditional_index_names(model):
    """Return the names of `model`'s partial indexes and constraints, which serve only their rows."""
    declared = [*model._meta.indexes, *model._meta.constraints]
    return {item.name for item in declared if getattr(item, "condition", None) is not None}


def covered_indexes(model, cursor):
    """Return (index, columns, the index leading with them) for each of `model`'s indexes that another covers."""
    constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    partial = conditional_index_names(model)
    whole = {
        name: tuple(details["columns"])
        for name, details in constraints.items()
        if (details["index"] or details["unique"]) and details["columns"] and None not in details["columns"]
        if name not in partial
    }
    return [
        (name, columns, longer)
        for name, columns in whole.items()
        if not constraints[name]["unique"]
        for longer, longer_columns in whole.items()
        if len(longer_columns) > len(columns) and longer_columns[: len(columns)] == columns
    ]


def test_no_index_is_the_leading_part_of_another(db):
    with connection.cursor() as cursor:
        covered = [
            (model._meta.db_table, *found) for model in project_models() for found in covered_indexes(model, cursor)
        ]
    assert covered == []


def test_the_check_finds_an_index_another_covers(db):
    """The check reads the database: an index left behind by a migration would be found."""
    table = connection.ops.quote_name(Byline._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX byline_author_alone ON {table} (author_id)")
        try:
            found = covered_indexes(Byline, cursor)
        finally:
            cursor.execute("DROP INDEX byline_author_alone")
    assert ("byline_author_alone", ("author_id",), "byline_author_listed") in found
