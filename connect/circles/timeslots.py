"""The regular meeting time, shown in each person's own time zone.

A circle's ``start_slot`` is a 30-minute cell of a UTC week (0 = Monday 00:00
UTC). It is turned into wall-clock time for the *current* week with
``zoneinfo``, so a person sees the right local time on either side of a DST
change.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from accounts.selectors import SLOTS_PER_WEEK, local_cell, week_start_utc

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS_OF_DAY = {
    "morning": (6, 12),
    "afternoon": (12, 17),
    "evening": (17, 22),
    "night": (22, 30),  # 22:00 to 06:00 the next morning
}


def zone(tz_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class LocalTime:
    weekday: int  # 0 = Monday, in the person's zone
    start: datetime
    end: datetime
    tz_name: str

    @property
    def label(self) -> str:
        return (
            f"{DAY_NAMES[self.weekday]}s {self.start:%H:%M}–{self.end:%H:%M} "
            f"({self.tz_name.replace('_', ' ')})"
        )

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
    tz = zone(tz_name)
    start_utc = week_start_utc(today) + timedelta(minutes=30 * start_slot)
    start = start_utc.astimezone(tz)
    end = (start_utc + timedelta(minutes=30 * slot_count)).astimezone(tz)
    return LocalTime(start.weekday(), start, end, tz.key)


@lru_cache(maxsize=512)
def _local_cells_of_week(tz_name: str, week_start: datetime) -> tuple[int, ...]:
    tz = zone(tz_name)
    step = timedelta(minutes=30)
    return tuple(local_cell(week_start + slot * step, tz) for slot in range(SLOTS_PER_WEEK))


def utc_free_slots(local_cells, tz_name: str, week_start: datetime) -> frozenset[int]:
    """Same result as ``accounts.selectors.utc_free_slots`` with the zone's
    UTC→local map cached, so a round over many seekers stays fast."""
    wanted = set(local_cells)
    cells = _local_cells_of_week(tz_name or "UTC", week_start)
    return frozenset(slot for slot, cell in enumerate(cells) if cell in wanted)
