"""iCalendar files with the ``icalendar`` library.

A meetup's .ics holds the whole series: DTSTART in the series' own zone (with
its VTIMEZONE), the RRULE, EXDATE for cancelled occurrences and an override
VEVENT (RECURRENCE-ID) for each moved one. The private feed lists single
occurrences instead, one VEVENT each, so it stays simple for calendar apps.

Both include the venue or video link: they are served only to members of the
circle (the .ics after the membership check; the feed to the holder of a
secret token that only a member gets, listing only their own circles).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event, vRecur

from . import recurrence
from .models import Frequency, Mode, Occurrence
from .services import rule_of

PRODID = "-//Connect//Meetups//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _describe(event: Event, series, url: str) -> None:
    event.add("summary", series.title)
    lines = [
        gettext("%(name)s on Connect (peer support, not therapy).") % {"name": series.circle.name}
    ]
    if series.agenda:
        lines.append(series.agenda)
    if series.mode == Mode.IN_PERSON:
        event.add("location", f"{series.venue_name}, {series.venue_address}")
    else:
        event.add("location", series.video_url)
        lines.append(gettext("Video link: %(url)s") % {"url": series.video_url})
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    event.add("url", url)


def _rrule(series) -> vRecur | None:
    if series.frequency == Frequency.ONCE:
        return None
    rule = rule_of(series)
    recur = vRecur()
    if series.frequency in (Frequency.WEEKLY, Frequency.BIWEEKLY):
        recur["FREQ"] = "WEEKLY"
        if series.frequency == Frequency.BIWEEKLY:
            recur["INTERVAL"] = 2
    else:
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[series.start_date.weekday()]
        recur["FREQ"] = "MONTHLY"
        recur["BYDAY"] = f"{recurrence.nth_weekday(series.start_date)}{weekday}"
    if series.count:
        recur["COUNT"] = min(series.count, recurrence.MAX_OCCURRENCES)
    else:
        recur["UNTIL"] = recurrence.until_utc(rule)
    return recur


def series_calendar(series, occurrences) -> bytes:
    """The .ics of one series (a one-off is a series of one)."""
    tz = ZoneInfo(series.timezone)
    uid = f"meetup-series-{series.pk}@connect"
    url = settings.SITE_URL + reverse("meetups:detail", args=[occurrences[0].pk])
    stamp = timezone.now()
    duration = recurrence.duration(series.duration_minutes)
    rule_starts = set(recurrence.utc_starts(rule_of(series)))
    cal = _calendar(series.title)

    main = Event()
    main.add("uid", uid)
    main.add("dtstamp", stamp)
    main.add("sequence", series.sequence)
    first_local = datetime.combine(series.start_date, series.start_time, tzinfo=tz)
    main.add("dtstart", first_local)
    main.add("dtend", first_local + duration)
    _describe(main, series, url)
    rule = _rrule(series)
    if rule is not None:
        main.add("rrule", rule)
    cancelled = [
        occ.original_start.astimezone(tz)
        for occ in occurrences
        if occ.status == Occurrence.Status.CANCELLED and occ.original_start in rule_starts
    ]
    if cancelled:
        main.add("exdate", cancelled)
    if series.frequency == Frequency.ONCE and occurrences[0].is_cancelled:
        main.add("status", "CANCELLED")
    cal.add_component(main)

    for occ in occurrences:
        if occ.status != Occurrence.Status.MOVED:
            continue
        event = Event()
        if occ.original_start in rule_starts:
            event.add("uid", uid)
            event.add("recurrence-id", occ.original_start.astimezone(tz))
        else:  # left over from an earlier version of the rule: its own event
            event.add("uid", f"meetup-{occ.pk}@connect")
        event.add("dtstamp", stamp)
        event.add("sequence", series.sequence)
        event.add("dtstart", occ.starts_at.astimezone(tz))
        event.add("dtend", occ.ends_at.astimezone(tz))
        _describe(event, series, url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_calendar(user, occurrences) -> bytes:
    """A person's private feed: one VEVENT per occurrence, in the series' zone."""
    cal = _calendar(gettext("Connect meetups"))
    stamp = timezone.now()
    for occ in occurrences:
        series = occ.series
        tz = ZoneInfo(series.timezone)
        url = settings.SITE_URL + reverse("meetups:detail", args=[occ.pk])
        event = Event()
        event.add("uid", f"meetup-{occ.pk}@connect")
        event.add("dtstamp", stamp)
        event.add("sequence", series.sequence)
        event.add("dtstart", occ.starts_at.astimezone(tz))
        event.add("dtend", occ.ends_at.astimezone(tz))
        if occ.is_cancelled:
            event.add("status", "CANCELLED")
        _describe(event, series, url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
