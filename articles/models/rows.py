"""
A story's short lists (its tags, sources and corrections) read in the story's own query,
as JSON, so that the article page keeps within its query budget.
"""

from datetime import UTC, datetime

from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone


class JSONList(Aggregate):
    """The group's values as one JSON array: SQLite's json_group_array, PostgreSQL's jsonb_agg."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def rows_of(model, story_field, **fields):
    """
    Return a subquery of the rows of `model` whose `story_field` is the outer query's
    story, as a JSON list of objects of `fields` (name=lookup); NULL when there are none.
    """
    rows = (
        model._default_manager.filter(**{story_field: OuterRef("pk")})
        .order_by()
        .values(story_field)
        .annotate(rows=JSONList(JSONObject(**fields)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def instances_from_rows(model, rows, db):
    """
    Return model instances built from rows_of()'s objects, as the ORM would load them
    (fields left out are deferred, so reading one runs a query rather than giving a wrong value).
    """
    instances = []
    for row in rows or ():
        # from_db() takes the values in the model's order of fields; PostgreSQL reorders JSON keys.
        fields = [field for field in model._meta.concrete_fields if field.attname in row]
        values = [_from_json(field, row[field.attname]) for field in fields]
        instances.append(model.from_db(db, [field.attname for field in fields], values))
    return instances


def _from_json(field, value):
    value = field.to_python(value)
    # SQLite keeps times as UTC text without an offset, and JSON hands them on as they are.
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value
