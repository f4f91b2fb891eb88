"""The languages circles form in: ISO 639-1 codes and the names people read."""

from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("hi", _("Hindi")),
    ("ur", _("Urdu")),
    ("bn", _("Bengali")),
    ("zh", _("Chinese")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
]

_NAMES = dict(LANGUAGE_CHOICES)


def language_name(code: str) -> str:
    """ "Spanish" for "es" (in the active language); an unknown code is shown as it is."""
    return str(_NAMES.get(code, code))
