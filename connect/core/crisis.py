"""Crisis resources, chosen by the person's country.

A small curated table: Connect is peer support, not an emergency service, so
every page links here. Keep entries short and verifiable; the international
directory covers every other country.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CrisisLine:
    name: str | Promise  # a service's own name stays as it is; a description is translated
    how: str | Promise  # _("Call or text 988")
    url: str


INTERNATIONAL = CrisisLine(
    _("Find a helpline in your country"),
    _("International directory of free, confidential helplines"),
    "https://findahelpline.com/",
)

BY_COUNTRY: dict[str, list[CrisisLine]] = {
    "US": [
        CrisisLine(
            "988 Suicide & Crisis Lifeline",
            _("Call or text 988, or chat online"),
            "https://988lifeline.org/",
        ),
        CrisisLine("Crisis Text Line", _("Text HOME to 741741"), "https://www.crisistextline.org/"),
    ],
    "GB": [
        CrisisLine("Samaritans", _("Call 116 123 (free, any time)"), "https://www.samaritans.org/"),
        CrisisLine("Shout", _("Text SHOUT to 85258"), "https://giveusashout.org/"),
    ],
    "IE": [
        CrisisLine("Samaritans Ireland", _("Call 116 123"), "https://www.samaritans.org/ireland/")
    ],
    "CA": [CrisisLine("9-8-8 Suicide Crisis Helpline", _("Call or text 988"), "https://988.ca/")],
    "AU": [CrisisLine("Lifeline Australia", _("Call 13 11 14"), "https://www.lifeline.org.au/")],
    "NZ": [
        CrisisLine("Need to talk?", _("Call or text 1737"), "https://1737.org.nz/"),
        CrisisLine("Lifeline Aotearoa", _("Call 0800 543 354"), "https://www.lifeline.org.nz/"),
    ],
    "FR": [
        CrisisLine(
            "3114 — numéro national de prévention du suicide",
            _("Call 3114 (free, any time)"),
            "https://3114.fr/",
        )
    ],
    "DE": [
        CrisisLine(
            "TelefonSeelsorge",
            _("Call 0800 111 0 111 or 0800 111 0 222 (free, any time)"),
            "https://www.telefonseelsorge.de/",
        )
    ],
}

COUNTRY_NAMES: dict[str, str | Promise] = {
    "US": _("United States"),
    "GB": _("United Kingdom"),
    "IE": _("Ireland"),
    "CA": _("Canada"),
    "AU": _("Australia"),
    "NZ": _("New Zealand"),
    "FR": _("France"),
    "DE": _("Germany"),
}

EMERGENCY_NUMBERS: dict[str, str] = {
    "US": "911",
    "CA": "911",
    "GB": "999",
    "IE": "112",
    "AU": "000",
    "NZ": "111",
    "FR": "112",
    "DE": "112",
}


def resources_for(country_code: str | None) -> dict:
    """Crisis lines for a country, with the international directory as fallback."""
    code = (country_code or "").strip().upper()[:2]
    return {
        "country_code": code,
        "country_name": COUNTRY_NAMES.get(code, ""),
        "countries": sorted(
            ((c, str(name)) for c, name in COUNTRY_NAMES.items()), key=lambda item: item[1]
        ),
        "lines": BY_COUNTRY.get(code, []),
        "international": INTERNATIONAL,
        "emergency_number": EMERGENCY_NUMBERS.get(code)
        or gettext("112 (in most of Europe) or your local emergency number"),
    }
