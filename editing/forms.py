"""The forms of the editing app: the version check mixed into the article form, and autosave's."""

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .autosave import AUTOSAVE_FIELDS
from .models import Note
from .revisions import DATETIME_DISPLAY, display_name, last_save


def saved_since_message(article):
    """Say who saved `article` after the editor opened it, and when."""
    user, when = last_save(article)
    return _("%(name)s saved this article at %(when)s, after you opened it.") % {
        "name": display_name(user),
        "when": format_date(timezone.localtime(when), DATETIME_DISPLAY),
    }


def conflict_message(article):
    """Tell the editor whose save came first, and what to do now."""
    return " ".join(
        [
            saved_since_message(article),
            _(
                "Your text is still in the form below, and what they changed is shown under “Changes since you "
                "opened it”. Check their changes, then save again to replace them with your version."
            ),
        ]
    )


class ConflictCheckedForm:
    """
    Mixed into the admin's article form: refuse a save made over a newer version than the
    one the editor opened, with a message, keeping everything they typed.
    """

    restored_autosave = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_version = None
        # Before the form touches the instance: this is the version stored when the request began.
        self.stored_version = self.instance.version
        self.fields["loaded_version"].initial = self.instance.version
        if self.restored_autosave is not None and not self.is_bound:
            for name in AUTOSAVE_FIELDS:
                self.initial[name] = getattr(self.restored_autosave, name)
            # Typed over an older version, the text must go through the check on save.
            self.initial["loaded_version"] = self.restored_autosave.version

    def clean(self):
        cleaned_data = super().clean()
        loaded = cleaned_data.get("loaded_version")
        if loaded != self.stored_version:
            self.conflict_version = loaded
            # Re-rendered, the form carries the stored version: having seen the changes, the
            # editor's next save goes through, unless someone saves yet again.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = self.stored_version
            if loaded is None:
                raise forms.ValidationError(
                    _(
                        "The form did not say which version of the article you opened. Your text is kept below; "
                        "check the stored article, then save again."
                    ),
                    code="edit_conflict",
                )
            raise forms.ValidationError(conflict_message(self.instance), code="edit_conflict")
        # Article.save() checks this again as it writes, closing the gap after this check.
        self.instance.version = loaded
        return cleaned_data


class AutosaveForm(forms.Form):
    """What the change form's autosave sends: the text, and the version it was typed over."""

    loaded_version = forms.IntegerField(min_value=1)
    headline = forms.CharField(max_length=250, required=False, strip=False)
    standfirst = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)

    @property
    def has_text(self):
        # A ping without the text only says the form is still open.
        return any(name in self.data for name in AUTOSAVE_FIELDS)


class NoteForm(forms.Form):
    # Its fields' ids stay apart from the story's own form on the same page.
    prefix = "note"

    text = forms.CharField(
        label=gettext_lazy("Note for colleagues"),
        max_length=Note.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Readers never see notes. Write @username to tell a colleague."),
    )
