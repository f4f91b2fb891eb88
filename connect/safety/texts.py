"""What a suspended person is told, in the language of the page that shows it."""

from datetime import UTC, datetime

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, pgettext


def _until(ends_at: datetime) -> str:
    # Translators: a Django "date" filter format, e.g. "7 December 2026, 18:30".
    return date_format(ends_at.astimezone(UTC), pgettext("date format", "j F Y, H:i"))


def suspended_text(ends_at: datetime | None) -> str:
    """Shown when a suspension logs the person out."""
    if ends_at is None:
        return gettext(
            "Your account is suspended. You can appeal with the link in the email we sent you."
        )
    return gettext(
        "Your account is suspended until %(until)s UTC. "
        "You can appeal with the link in the email we sent you."
    ) % {"until": _until(ends_at)}


def login_refused_text(ends_at: datetime | None) -> str:
    """Shown when a suspended person tries to log in."""
    if ends_at is None:
        return gettext(
            "Your account is suspended, so you can't log in. "
            "You can appeal by replying to the email we sent you."
        )
    return gettext(
        "Your account is suspended until %(until)s UTC, so you can't log in. "
        "You can appeal by replying to the email we sent you."
    ) % {"until": _until(ends_at)}
