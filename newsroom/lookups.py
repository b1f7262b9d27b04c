"""Lookups the project registers for every model (see apps.NewsroomConfig.ready)."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """
    `in` for integer fields, keys included, that leaves out the values no column of the
    field's type can hold, as Django's own `exact` does (ticket #27397): they match
    nothing, and SQLite refuses them with OverflowError, so that `pk__in` with an id sent
    as 99999999999999999999 (a form's choices, the admin's) was a server error.
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            lowest, highest = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((lowest is None or value >= lowest) and (highest is None or value <= highest))
            ]
        return super().process_rhs(compiler, connection)
