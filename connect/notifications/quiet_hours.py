"""Quiet-hours arithmetic, in the person's own time zone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def quiet_until(now: datetime, tz_name: str, start: time | None, end: time | None):
    """When quiet hours holding ``now`` end (aware UTC), or None if not quiet now.

    Quiet hours may span midnight (22:00–08:00). Local times are resolved with
    ``zoneinfo`` so a DST change during the night is handled.
    """
    if start is None or end is None or start == end:
        return None
    tz = ZoneInfo(tz_name or "UTC")
    local = now.astimezone(tz)
    t = local.time()
    spans_midnight = start > end
    inside = (start <= t or t < end) if spans_midnight else (start <= t < end)
    if not inside:
        return None
    end_day = local.date()
    if spans_midnight and t >= start:
        end_day = end_day + timedelta(days=1)
    local_end = datetime.combine(end_day, end, tzinfo=tz)
    return local_end.astimezone(ZoneInfo("UTC"))
