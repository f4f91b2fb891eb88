"""Lazy pieces for notifications that must read in the recipient's language.

``services.notify`` renders a notice once per language of the site; text
built from these pieces (and from ``gettext_lazy`` / ``format_lazy``) comes
out right in each.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import lazy
from django.utils.translation import pgettext

from accounts.zones import zone_or_utc


def datetime_format() -> str:
    # Translators: a Django "date" filter format, e.g. "Monday 7 December, 18:30".
    return pgettext("date format", "l j F, H:i")


def _local_datetime(moment: datetime, zone_name: str) -> str:
    return date_format(timezone.localtime(moment, zone_or_utc(zone_name)), datetime_format())


# "Monday 7 December, 18:30" in the language active when the text is rendered,
# at the wall-clock time of ``zone_name`` (an IANA name; UTC when unknown).
local_datetime = lazy(_local_datetime, str)
