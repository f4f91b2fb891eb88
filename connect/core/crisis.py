"""Crisis resources, chosen by the person's country.

A small curated table: Connect is peer support, not an emergency service, so
every page links here. Keep entries short and verifiable; the international
directory covers every other country.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisLine:
    name: str
    how: str  # "Call or text 988"
    url: str


INTERNATIONAL = CrisisLine(
    "Find a helpline in your country",
    "International directory of free, confidential helplines",
    "https://findahelpline.com/",
)

BY_COUNTRY: dict[str, list[CrisisLine]] = {
    "US": [
        CrisisLine(
            "988 Suicide & Crisis Lifeline",
            "Call or text 988, or chat online",
            "https://988lifeline.org/",
        ),
        CrisisLine("Crisis Text Line", "Text HOME to 741741", "https://www.crisistextline.org/"),
    ],
    "GB": [
        CrisisLine("Samaritans", "Call 116 123 (free, any time)", "https://www.samaritans.org/"),
        CrisisLine("Shout", "Text SHOUT to 85258", "https://giveusashout.org/"),
    ],
    "IE": [CrisisLine("Samaritans Ireland", "Call 116 123", "https://www.samaritans.org/ireland/")],
    "CA": [CrisisLine("9-8-8 Suicide Crisis Helpline", "Call or text 988", "https://988.ca/")],
    "AU": [CrisisLine("Lifeline Australia", "Call 13 11 14", "https://www.lifeline.org.au/")],
}

EMERGENCY_NUMBERS: dict[str, str] = {
    "US": "911",
    "CA": "911",
    "GB": "999",
    "IE": "112",
    "AU": "000",
}


def resources_for(country_code: str | None) -> dict:
    """Crisis lines for a country, with the international directory as fallback."""
    code = (country_code or "").upper()
    return {
        "country_code": code,
        "lines": BY_COUNTRY.get(code, []),
        "international": INTERNATIONAL,
        "emergency_number": EMERGENCY_NUMBERS.get(
            code, "112 (in most of Europe) or your local emergency number"
        ),
    }
