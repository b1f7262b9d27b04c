"""What every page of the admin shares: filters and form values that cannot fail with a server error."""

import functools

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.db import NotSupportedError, models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.utils.duration import duration_string
from django.utils.translation import gettext_lazy as _

from accounts.forms import ThrottledAuthenticationForm

# Fields whose filter value Django hands the database as a number or a duration without
# checking it, and the lookups that compare a field with such a value.
PREPARED_FIELDS = (models.IntegerField, models.DurationField, models.FloatField, models.DecimalField)
VALUE_LOOKUPS = {"exact", "gt", "gte", "lt", "lte", "in"}
# The lookups a list takes from its address: those Django's filters, date hierarchy and
# related-object popups write, and the project's links use. Others fail only as the
# list is read, each database its own way: `range` with one value, `unaccent` and the
# trigram lookups without their PostgreSQL extensions, `search` on SQLite, and regular
# expressions, which each database reads by its own rules and which can keep it busy
# on every row.
ADDRESS_LOOKUPS = {
    "exact", "iexact", "in", "isnull", "gt", "gte", "lt", "lte", "year", "month", "day", "date",
    "contains", "icontains", "startswith", "istartswith",
}  # fmt: skip


class CheckedChangeList(ChangeList):
    """
    A change list whose filters from the address are checked before its page is read,
    so that one the database cannot run is the admin's "invalid filter" redirect (`?e=1`)
    rather than a server error. Django checks most filter values as the filter is added;
    some pass that check and fail only when the query is compiled or run:
    - a related id beyond 64 bits (`?section=99999999999999999999`), which SQLite refuses
      with OverflowError: Django keeps such a value out of the query for integer fields
      (ticket #27397), but not for relations;
    - a duration that is not one, which PostgreSQL refuses; SQLite cannot take a
      duration from the address at all, and fails as the query is compiled. Django
      hands PostgreSQL a duration as the text it was sent, which PostgreSQL reads by
      its own rules: "" and "-P1D" are errors there, and "1:2" is an hour and two
      minutes, not Django's minute and two seconds. So each duration goes to the
      database as Django read it, in Django's own format, which both read alike;
    - a year too far off for a date (`?published_at__year=99999999999999999999`), which
      overflows as the query is compiled, or as the date hierarchy reads it;
    - a lookup no filter of the list writes (`?headline__regex=(`), which it refuses
      (ADDRESS_LOOKUPS).
    """

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        for name, values in lookup_params.items():
            field, lookup = filtered_field(self.model, name)
            if isinstance(field, models.DurationField) and lookup in VALUE_LOOKUPS:
                lookup_params[name] = [
                    ",".join(as_django_duration(field, item) for item in items_of(value, lookup)) for value in values
                ]
        return lookup_params

    def get_filters(self, request):
        try:
            filter_specs, has_filters, remaining_params, *others = super().get_filters(request)
        except OverflowError as error:  # The date hierarchy's year, beyond what a date holds.
            raise IncorrectLookupParameters(error) from error
        # What the list's filters did not take goes to the queryset as it is.
        for name in remaining_params:
            if not set(split_filter(self.model, name)[1]) <= ADDRESS_LOOKUPS:
                raise IncorrectLookupParameters(f"{name} is not a filter the list takes from its address.")
        return filter_specs, has_filters, remaining_params, *others

    def get_queryset(self, request, exclude_parameters=None):
        check_filter_values(self.model, self.get_filters_params())
        queryset = super().get_queryset(request, exclude_parameters)
        if self.filter_params:
            check_compiles(queryset)
        return queryset


@functools.cache
def checked_changelist(changelist):
    """Return `changelist`, a ChangeList class, checking its filters as CheckedChangeList does."""
    if issubclass(changelist, CheckedChangeList):
        return changelist  # As the article admin's own list is.
    return type(changelist.__name__, (CheckedChangeList, changelist), {"__module__": changelist.__module__})


def check_filter_values(model, params):
    """Raise IncorrectLookupParameters unless each number or duration in `params` (filter name: values) is one its field holds."""
    for name, values in params.items():
        field, lookup = filtered_field(model, name)
        if not isinstance(field, PREPARED_FIELDS) or lookup not in VALUE_LOOKUPS:
            continue
        for value in values:
            for item in items_of(value, lookup):
                if not holds(field, item):
                    raise IncorrectLookupParameters(f"{name}={item!r} is not a value its field holds.")


def items_of(value, lookup):
    """Return the values one filter value stands for: for `in`, split as Django's prepare_lookup_value splits it."""
    return value.split(",") if lookup == "in" else [value]


def holds(field, value):
    """Tell whether `value`, as an address or a form sends it, is one that `field` can hold."""
    try:
        field.run_validators(field.to_python(value))
    # Django's own parse of a duration overflows on a long enough number.
    except (ValidationError, OverflowError):
        return False
    return True


def as_django_duration(field, text):
    """
    Return `text` written as Django writes a duration, as it read it; text it cannot
    read is left as it is, for the filter check to refuse.
    """
    try:
        return duration_string(field.to_python(text))
    except (ValidationError, OverflowError):
        return text


def split_filter(model, name):
    """
    Return the fields that filter `name` follows, as get_fields_from_path gives them, and
    the lookups and transforms after them (a JSON key is one); no fields if it follows none.
    """
    parts = name.split(LOOKUP_SEP)
    for count in range(len(parts), 0, -1):
        try:
            return get_fields_from_path(model, LOOKUP_SEP.join(parts[:count])), parts[count:]
        except (FieldDoesNotExist, NotRelationField):
            continue
    return [], parts


def filtered_field(model, name):
    """
    Return the field that filter `name` compares (for a relation, the related model's
    key) and its lookup, "exact" if it names none; (None, None) if a transform such as
    `__year` comes between them.
    """
    fields, lookups = split_filter(model, name)
    if not fields or len(lookups) > 1:
        return None, None
    field = fields[-1]
    if field.is_relation and field.related_model is None:
        return None, None  # A generic relation, which has no key of its own.
    return (field.related_model._meta.pk if field.is_relation else field), (lookups[0] if lookups else "exact")


def check_compiles(queryset):
    """Raise IncorrectLookupParameters if `queryset` cannot be compiled for its database."""
    try:
        queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        pass  # Django has found that nothing matches: an empty list, not an error.
    # NotSupportedError: a lookup one database lacks, such as `contains` on SQLite's JSON.
    except (AttributeError, TypeError, ValueError, OverflowError, ValidationError, NotSupportedError) as error:
        raise IncorrectLookupParameters(error) from error


class CheckedAutocompleteMixin:
    """
    For a widget that picks related objects by searching (autocomplete_fields): the
    values it shows again, from a form sent with errors or from the address
    (`add/?section=…`), are those its field can hold. Django's widget looks each up as
    sent, and one that is not an id at all ("abc", or beyond 64 bits on SQLite) is a
    server error instead of the form's own "Select a valid choice".
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [item for item in value if holds(key, item)], attr)


class CheckedAutocompleteSelect(CheckedAutocompleteMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class CheckedAutocompleteFieldsMixin:
    """For a ModelAdmin or an inline: its autocomplete_fields use the checked widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CheckedInputMixin(CheckedAutocompleteFieldsMixin):
    """
    For a ModelAdmin: its list checks the filters in its address, and says when it could
    not apply them; an action runs only on ids the list's key can hold; its autocomplete
    fields show again only ids they can hold.
    """

    def response_action(self, request, queryset, **kwargs):
        # Django filters the list by the ids sent as they are, and one that is not an id
        # ("abc", "") fails the filter: refused, the list says so and is shown again.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(holds(self.model._meta.pk, value) for value in selected):
            self.message_user(request, _("Those items are not in this list: select them again."), messages.WARNING)
            return None
        return super().response_action(request, queryset, **kwargs)

    def get_changelist(self, request, **kwargs):
        return checked_changelist(super().get_changelist(request, **kwargs))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)  # Drawn later, messages and all.
        if ERROR_FLAG in request.GET:
            # Django answers a bad filter in an address that already has the flag (a page
            # reloaded, a link kept) with "Database error ... your database installation":
            # the whole list, with the message, says what happened instead.
            if getattr(response, "template_name", None) == "admin/invalid_setup.html":
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
            messages.warning(request, _("The list could not be filtered as its address asked, so all of it is shown."))
        return response


class NewsroomAdminSite(admin.AdminSite):
    """
    The admin (the default site, through NewsroomAdminConfig). Every model it registers,
    other apps' too (taggit's tags, django-tasks-db's results, Django's users and
    groups), gets CheckedInputMixin: no address or form sent to any of its pages can
    be a server error.
    """

    site_header = _("Newsroom")
    site_title = _("Newsroom admin")
    index_title = _("Newsdesk")
    login_form = ThrottledAuthenticationForm

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, CheckedInputMixin):
            # As Django's own register() makes a class when it is given options.
            admin_class = type(
                admin_class.__name__, (CheckedInputMixin, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)
