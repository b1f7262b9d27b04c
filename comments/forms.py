from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import TEXT_MAX_LENGTH, Comment


class PlainTextField(forms.CharField):
    """
    Text whose line breaks are kept as LF. Browsers send CRLF but count it as one
    character against maxlength, so the server's limit must count it the same way.
    """

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(forms.ModelForm):
    """A reader's comment: name, email and plain text, with a honeypot for bots."""

    # People never see this field; bots that fill in every field give themselves away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Comment
        fields = ["name", "email", "text"]
        field_classes = {"text": PlainTextField}
        labels = {"name": _("Your name"), "email": _("Your email address")}
        help_texts = {
            "email": _("Never shown on the site."),
            "text": format_lazy(
                _("Plain text, up to {limit:,} characters. Links are shown but not clickable."),
                limit=TEXT_MAX_LENGTH,
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "text": forms.Textarea(attrs={"rows": 6}),
        }

    def is_from_bot(self):
        """Tell whether the honeypot was filled in."""
        return bool(self.cleaned_data.get("website"))
