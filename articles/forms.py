from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from authors.models import Author

from .models import Article, Section
from .search import MAX_QUERY_LENGTH, search_articles

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


class TagAutocompleteWidget(AutocompleteSelectMultiple):
    """
    The admin's autocomplete box for tags, keyed by tag name so that editors
    can pick existing tags and type new ones in the same box.
    """

    def __init__(self, admin_site, attrs=None):
        super().__init__(Article._meta.get_field("tags"), admin_site, attrs)

    def get_url(self):
        return reverse(f"{self.admin_site.name}:articles_article_tag_autocomplete")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-tags"] = "true"
        attrs["data-token-separators"] = '[","]'
        return attrs

    def optgroups(self, name, value, attrs=None):
        # Selected names are rendered as they are, so a new tag typed into a
        # form that failed validation survives the round trip.
        options = [self.create_option(name, tag, tag, True, index) for index, tag in enumerate(value)]
        return [(None, options, 0)]


class TagNamesField(forms.Field):
    """A list of tag names; unknown names become new tags when the article is saved."""

    def __init__(self, admin_site, **kwargs):
        kwargs.setdefault("widget", TagAutocompleteWidget(admin_site))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Tags"))
        kwargs.setdefault("help_text", _("Pick existing tags or type new ones; separate them with commas."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return [tag.name if isinstance(tag, Tag) else tag for tag in value or []]

    def to_python(self, value):
        names = []
        for raw in value or []:
            name = " ".join(str(raw).split())
            if name and name.casefold() not in {existing.casefold() for existing in names}:
                names.append(name)
        too_long = [name for name in names if len(name) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("Tags can be at most %(limit)d characters long: %(names)s"),
                params={"limit": TAG_NAME_MAX_LENGTH, "names": ", ".join(too_long)},
                code="tag_too_long",
            )
        return names

    def has_changed(self, initial, data):
        return sorted(self.prepare_value(initial)) != sorted(self.to_python(data))


class SearchForm(forms.Form):
    """What a reader searches for: words, and optionally a section and an author."""

    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.SearchInput,
        help_text=_('Use "quotes" for a phrase, OR for either word, and -word to leave a word out.'),
    )
    section = forms.ModelChoiceField(
        Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
        label=_("Section"),
        error_messages={"invalid_choice": _("There is no such section; choose one from the list.")},
    )
    author = forms.ModelChoiceField(
        Author.objects.only("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All authors"),
        label=_("Author"),
        error_messages={"invalid_choice": _("There is no such author; choose one from the list.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def search(self, articles):
        """Return those of `articles` that match this valid form, best first."""
        data = self.cleaned_data
        if data["section"]:
            articles = articles.filter(section=data["section"])
        if data["author"]:
            articles = articles.filter(authors=data["author"])
        return search_articles(articles, data["q"])
