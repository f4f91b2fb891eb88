"""The regular meeting time, shown in each person's own time zone.

A circle's ``start_slot`` is a 30-minute cell of a UTC week (0 = Monday 00:00
UTC). It is turned into wall-clock time for the *current* week with
``zoneinfo``, so a person sees the right local time on either side of a DST
change.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import DAYS
from accounts.selectors import week_start_utc
from accounts.zones import zone_or_utc

DAY_NAMES = DAYS  # one list of weekday names: the onboarding form's
# "Mondays 18:00–19:30": a regular weekly time, which some languages say with an article.
EVERY_DAY_NAMES = (
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
)
PARTS_OF_DAY = {
    "morning": (6, 12),
    "afternoon": (12, 17),
    "evening": (17, 22),
    "night": (22, 30),  # 22:00 to 06:00 the next morning
}
PART_OF_DAY_LABELS = {
    "morning": pgettext_lazy("part of day", "Morning"),
    "afternoon": pgettext_lazy("part of day", "Afternoon"),
    "evening": pgettext_lazy("part of day", "Evening"),
    "night": pgettext_lazy("part of day", "Night"),
}


@dataclass(frozen=True)
class LocalTime:
    weekday: int  # 0 = Monday, in the person's zone
    start: datetime
    end: datetime
    tz_name: str

    @property
    def label(self) -> str:
        return gettext("%(days)s %(start)s–%(end)s (%(zone)s)") % {
            "days": EVERY_DAY_NAMES[self.weekday],
            "start": f"{self.start:%H:%M}",
            "end": f"{self.end:%H:%M}",
            "zone": self.tz_name.replace("_", " "),
        }

    @property
    def part_of_day(self) -> str:
        hour = self.start.hour
        for name, (lo, hi) in PARTS_OF_DAY.items():
            if lo <= hour < hi or lo <= hour + 24 < hi:
                return name
        return "night"


def slot_in_zone(
    start_slot: int, slot_count: int, tz_name: str | None, today: date | None = None
) -> LocalTime:
    """When a circle meets this week, in ``tz_name``."""
    today = today or timezone.now().date()
    tz = zone_or_utc(tz_name)
    start_utc = week_start_utc(today) + timedelta(minutes=30 * start_slot)
    start = start_utc.astimezone(tz)
    end = (start_utc + timedelta(minutes=30 * slot_count)).astimezone(tz)
    return LocalTime(start.weekday(), start, end, tz.key)
