import csv
import io

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Redirect

MAX_CSV_BYTES = 2 * 1024 * 1024


class RedirectImportForm(forms.Form):
    """A CSV of old and new addresses, one redirect a row: the addresses of an old site, say."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Two columns: old address, new address. A first row of column names is skipped."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 2 MB; split it and import the parts."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8.")) from None
        rows, problems, seen = [], [], {}
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if number == 1 and cells[0].lower() in {"old", "old_path", "old address", "from", "source"}:
                continue
            if len(cells) != 2 or not all(cells):
                problems.append(_("Row %(row)d: two addresses are needed, old and new.") % {"row": number})
                continue
            redirect = Redirect(old_path=cells[0], new_path=cells[1])
            try:
                redirect.clean()
            except ValidationError as error:
                problems.append(_("Row %(row)d: %(error)s") % {"row": number, "error": " ".join(error.messages)})
                continue
            if redirect.old_path in seen:
                problems.append(
                    _("Row %(row)d: %(path)s is already in row %(first)d.")
                    % {"row": number, "path": redirect.old_path, "first": seen[redirect.old_path]}
                )
                continue
            seen[redirect.old_path] = number
            rows.append((redirect.old_path, redirect.new_path))
        if problems:
            raise ValidationError(problems)
        if not rows:
            raise ValidationError(_("The file holds no redirects."))
        return rows
