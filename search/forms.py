from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from articles.models import Section
from authors.models import Author

from .backends import MAX_QUERY_LENGTH, search_articles


class NavigationSections(ModelChoiceIterator):
    """
    The sections to choose from, as the site's navigation lists them (kept in the
    cache): the search page shows the list to every reader, so it costs no query.
    A section chosen is still looked up in the database.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for section in Section.objects.navigation():
            yield self.choice(section)

    def __len__(self):
        return len(Section.objects.navigation()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(Section.objects.navigation())


class SectionChoiceField(forms.ModelChoiceField):
    iterator = NavigationSections


class SearchForm(forms.Form):
    """What a reader searches for: words, and optionally a section and an author."""

    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.SearchInput,
        help_text=_('Use "quotes" for a phrase, OR for either word, and -word to leave a word out.'),
    )
    section = SectionChoiceField(
        Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
        label=_("Section"),
        error_messages={"invalid_choice": _("There is no such section; choose one from the list.")},
    )
    # A name to type rather than a list of every author: a newsroom has thousands, and the
    # list would be read whole on every search.
    author = forms.CharField(
        label=_("Author"),
        max_length=200,
        required=False,
        help_text=_("A name as it appears on a byline."),
    )

    NEWEST, BEST = "newest", "best"
    order = forms.ChoiceField(
        label=_("Order"),
        choices=[(NEWEST, _("Newest first")), (BEST, _("Best match first"))],
        required=False,
        help_text=_("Best match ranks the newest 1,000 stories that match."),
        error_messages={"invalid_choice": _("Choose newest first or best match first.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_author(self):
        """Return the author named (by name or by the slug in an author page's address), or None."""
        name = self.cleaned_data["author"].strip()
        if not name:
            return None
        author = Author.objects.filter(slug__in={name, slugify(name)}).only("name", "slug").first()
        if author is None:
            raise ValidationError(
                _("There is no such author as “%(name)s”; check the name on a byline."), params={"name": name}
            )
        return author

    def search(self, articles):
        """Return those of `articles` that match this valid form, in the order it asks for, to slice into pages."""
        data = self.cleaned_data
        if data["section"]:
            articles = articles.filter(section=data["section"])
        return search_articles(articles, data["q"], newest_first=self.is_newest_first(), author=data["author"])

    def is_newest_first(self):
        """Tell whether the results come newest first: unless the reader asks for the best match first."""
        return self.cleaned_data.get("order") != self.BEST
