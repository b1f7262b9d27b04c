"""
Which outside players a story body may embed, and where each is loaded from.

The allow-list is the setting NEWSROOM_EMBED_PROVIDERS: for each provider a name, the
patterns of the addresses reporters paste (each with a named group `id`), and the
template of the player's address. The player's address is built from the id at display
time, so no request goes to the provider when a story is saved, and readers' pages
load nothing from it until the reader asks (see templates/articles/body/embed.html).
"""

import re
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

# Addresses longer than this are refused: no provider's needs more.
MAX_URL_LENGTH = 500


class Embed(NamedTuple):
    """An embeddable address: the provider's name, the address as pasted, and the player's address."""

    provider: str
    url: str
    player_url: str


@cache
def providers():
    """Return the configured providers with their patterns compiled."""
    return [
        (provider["name"], [re.compile(pattern) for pattern in provider["patterns"]], provider["player"])
        for provider in settings.NEWSROOM_EMBED_PROVIDERS
    ]


@receiver(setting_changed)
def forget_providers(setting, **kwargs):
    if setting == "NEWSROOM_EMBED_PROVIDERS":
        providers.cache_clear()


def find_embed(url):
    """Return the Embed for `url` if one of the allowed providers serves it, else None."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    for name, patterns, player in providers():
        for pattern in patterns:
            if match := pattern.fullmatch(url):
                return Embed(name, url, player.format(id=match["id"]))
    return None


def provider_names():
    """Return the allowed providers' names as a phrase ("YouTube and Vimeo"), for messages that say which links are accepted."""
    return get_text_list([name for name, _patterns, _player in providers()], _("and"))
