import copy

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from . import workflow
from .body import validate_body
from .models import Article, PreviewLink

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length
prohibit_null_characters = ProhibitNullCharactersValidator()


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
            prohibit_null_characters(str(raw))  # As a CharField does: no database stores them.
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


# The workflow's arguments, by the name workflow errors give them, and the form fields that carry them.
WORKFLOW_FIELDS = {"note": "transition_note", "published_at": "schedule_at"}
# Fields whose state changes go only through the workflow; a POST carrying them was crafted.
WORKFLOW_ONLY_FIELDS = {"status", "published_at", "published_at_0", "published_at_1", "created_by"}


class ArticleAdminForm(forms.ModelForm):
    """
    The article form, plus what a workflow button needs: the button pressed (its
    `name` is `transition`), a note, and the time for Schedule. The transition is
    checked with the rest of the form, so a missing note or an embargo is a form
    error that keeps everything typed; a transition the user may not make is a 403.
    """

    transition = forms.ChoiceField(
        choices=[("", "")] + [(action, transition.label) for action, transition in workflow.TRANSITIONS.items()],
        required=False,
    )
    transition_note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Goes into the story's history. Required to send back (say what to change) or unpublish (say why)."
        ),
    )
    schedule_at = forms.SplitDateTimeField(
        label=_("Publish at"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("For Schedule: the time the story appears to readers."),
    )

    # Set per request by ArticleAdmin.get_form(), so clean() can check the user's role.
    user = None

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        validate_body(body)
        return body

    def clean(self):
        cleaned_data = super().clean()
        action = cleaned_data.get("transition")
        if not action:
            return cleaned_data
        if self.instance.pk is None:
            raise ValidationError(_("Save the draft first, then choose what happens to it."))
        # Check against the article as it will be saved, e.g. with a new embargo time.
        proposed = copy.copy(self.instance)
        for name in ("embargo_lifts_at", "embargoed_by", "expires_at"):
            if name in cleaned_data:
                setattr(proposed, name, cleaned_data[name])
        try:
            workflow.check(
                action,
                self.user,
                proposed,
                note=cleaned_data.get("transition_note", ""),
                published_at=cleaned_data.get("schedule_at") if action == workflow.SCHEDULE.action else None,
            )
        except workflow.TransitionNotAllowed as error:
            self.add_error(WORKFLOW_FIELDS.get(error.field), error.message)
        return cleaned_data


class PreviewLinkForm(forms.ModelForm):
    """A preview link as the article page lists it, with a box to revoke it."""

    revoke = forms.BooleanField(label=_("Revoke"), required=False)

    class Meta:
        model = PreviewLink
        fields = ["label", "expires_at"]

    def save(self, commit=True):
        if self.cleaned_data.get("revoke") and self.instance.revoked_at is None:
            self.instance.revoked_at = timezone.now()
        return super().save(commit)
