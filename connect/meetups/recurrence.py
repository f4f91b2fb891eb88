"""A series' rule as dateutil ``rrule`` objects, and its instants in UTC.

The rule runs on NAIVE local wall-clock datetimes (so 18:00 stays 18:00), and
each instant is then placed in the series' zone with ``zoneinfo`` and turned
into UTC. No date arithmetic of our own.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule

UTC = ZoneInfo("UTC")
MAX_OCCURRENCES = 52

WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class Rule:
    """The parts of a series that decide when it happens."""

    timezone: str
    start_date: date
    start_time: time
    frequency: str  # once / weekly / biweekly / monthly
    until: date | None = None
    count: int | None = None


def nth_weekday(day: date) -> int:
    """Which weekday of its month ``day`` is: 1..4, or -1 for a 5th (= "the last")."""
    n = (day.day - 1) // 7 + 1
    return -1 if n >= 5 else n


def rrule_kwargs(rule: Rule) -> dict:
    """Frequency parts of the rule (shared by expansion and the iCalendar RRULE)."""
    if rule.frequency == "weekly":
        return {"freq": rrule.WEEKLY, "interval": 1}
    if rule.frequency == "biweekly":
        return {"freq": rrule.WEEKLY, "interval": 2}
    if rule.frequency == "monthly":
        weekday = WEEKDAYS[rule.start_date.weekday()]
        return {"freq": rrule.MONTHLY, "byweekday": weekday(nth_weekday(rule.start_date))}
    return {"freq": rrule.DAILY, "count": 1}


def local_starts(rule: Rule) -> list[datetime]:
    """The naive local start datetimes of the rule (at most MAX_OCCURRENCES)."""
    dtstart = datetime.combine(rule.start_date, rule.start_time)
    kwargs = rrule_kwargs(rule)
    if rule.frequency != "once":
        if rule.count:
            kwargs["count"] = min(rule.count, MAX_OCCURRENCES)
        elif rule.until:
            kwargs["until"] = datetime.combine(rule.until, time(23, 59, 59))
        else:
            kwargs["count"] = 1
    starts = list(rrule.rrule(dtstart=dtstart, **kwargs)[:MAX_OCCURRENCES])
    return starts


def to_utc(local: datetime, tz_name: str) -> datetime:
    """A naive local wall-clock time in ``tz_name`` as an aware UTC instant.

    Ambiguous times (the repeated hour in autumn) take the first one (fold=0);
    times in the spring gap move forward as zoneinfo resolves them.
    """
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def utc_starts(rule: Rule) -> list[datetime]:
    return [to_utc(local, rule.timezone) for local in local_starts(rule)]


def until_utc(rule: Rule) -> datetime | None:
    """The series' UNTIL (end of the last local day) as UTC, for iCalendar."""
    if rule.frequency == "once" or rule.count or not rule.until:
        return None
    return to_utc(datetime.combine(rule.until, time(23, 59, 59)), rule.timezone)


def duration(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)
