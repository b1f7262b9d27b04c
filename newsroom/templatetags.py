"""Filters every template may use without loading them (TEMPLATES' builtins)."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value):
    """
    Return an aware datetime in ISO 8601 to the whole second: valid for HTML's `datetime`
    attributes, which allow at most three digits of a second's fraction where `date:"c"`
    prints six, and for the W3C dates of sitemaps.
    """
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
