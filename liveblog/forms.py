from django import forms
from django.utils.translation import gettext as _

from articles import workflow
from articles.body import validate_body

from .models import Entry, LiveBlog


class LiveBlogForm(forms.ModelForm):
    """Make a story a live blog: only someone who may change the story may."""

    class Meta:
        model = LiveBlog
        fields = ["article", "coverage_started_at"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_article(self):
        article = self.cleaned_data["article"]
        if self.user is not None and not workflow.can_edit(self.user, article):
            raise forms.ValidationError(_("You may not change this story, so you cannot make it a live blog."))
        return article


class EntryForm(forms.ModelForm):
    """
    Correct an entry. The form carries the version the editor opened; if someone saved
    the entry since, it is refused with the editor's text kept in the form.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Entry
        fields = ["text", "author", "photo", "is_key_event", "is_pinned"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Without the version opened there is nothing to check a correction against.
            self.fields["loaded_version"].required = True
            self.fields["loaded_version"].initial = self.instance.version

    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        validate_body(text)
        return text

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            if loaded != self.instance.version:
                raise forms.ValidationError(
                    _(
                        "Someone else changed this entry since you opened it. Your text is kept below; "
                        "compare it with the entry on the site, then save again to keep yours."
                    ),
                    code="stale",
                )
            # Save against the version opened: a save made between this check and ours is refused too.
            self.instance.version = loaded
        return cleaned

    def has_changed(self):
        # The hidden version alone is no change: an empty extra row stays empty.
        return bool(set(self.changed_data) - {"loaded_version"})
