import logging

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from newsroom.throttle import client_address

from . import throttle

logger = logging.getLogger(__name__)

PAUSED = _(
    "Too many failed sign-ins for this account or from this address. Wait %(minutes)d minutes and try "
    "again, or ask an administrator to unlock the account."
)
GUARD_DOWN = _("Signing in is paused because the sign-in guard cannot be reached. Try again in a minute.")


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    """
    The admin's sign-in form, refusing before it checks the password once there have
    been too many failures, so a guessing client costs no hashing.
    """

    def clean(self):
        username = self.cleaned_data.get("username", "")
        try:
            paused = throttle.is_paused(username, client_address(self.request))
        except Exception:
            # Fail closed: without the counts, guessing would be unlimited.
            logger.exception("The sign-in throttle could not read the cache.")
            self.request.sign_in_paused = True
            raise ValidationError(GUARD_DOWN, code="throttle_unavailable") from None
        if paused:
            self.request.sign_in_paused = True
            raise ValidationError(PAUSED, code="throttled", params={"minutes": throttle.window_minutes()})
        return super().clean()
