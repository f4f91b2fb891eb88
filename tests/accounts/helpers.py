"""Valid onboarding input, step by step, for tests that walk the whole flow."""

import re

from django.core import mail

from accounts.models import Topic

LONDON_ID = 2643743  # GeoNames id of London, United Kingdom
PASSWORD = "a-good-long-passphrase-42"


def valid_steps() -> dict[str, dict]:
    """POST data for each onboarding step that passes validation."""
    grief, anxiety = Topic.objects.get(slug="grief"), Topic.objects.get(slug="anxiety")
    return {
        "about": {"display_name": "River", "pronouns": "they/them", "about": "New in town."},
        "agreements": {"adult": "on", "guidelines": "on"},
        "topics": {
            "topics": [grief.pk, anxiety.pk],
            f"weight_{grief.pk}": "3",
            f"weight_{anxiety.pk}": "1",
        },
        "where": {"mode": "either", "city": str(LONDON_ID), "radius_km": "15"},
        "when": {
            "timezone": "Europe/London",
            "availability": ["36", "37", "38"],
            "languages": ["en"],
            "size_min": "4",
            "size_max": "6",
            "is_looking": "on",
        },
    }


def confirmation_link(message) -> str:
    """The path of the email-confirmation link in an email."""
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s\"<]+)", message.body)
    assert match, message.body
    return match.group(1)


def last_confirmation_link() -> str:
    return confirmation_link(mail.outbox[-1])
