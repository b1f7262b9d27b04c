"""Count failed sign-ins, and forget them once the person gets in."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from newsroom.throttle import client_address

from . import throttle


@receiver(user_login_failed, dispatch_uid="accounts.count_failure")
def count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        throttle.record_failure(credentials.get("username", ""), client_address(request))


@receiver(user_logged_in, dispatch_uid="accounts.forget_failures")
def forget_failures(sender, request, user, **kwargs):
    if request is not None:
        throttle.clear(username=user.get_username(), address=client_address(request))
