"""Reads of profiles, including the matching engine's view of a person."""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from .models import Profile, Topic
from .zones import zone_or_utc

SLOTS_PER_DAY = 48
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
UTC = ZoneInfo("UTC")


def has_agreed(user) -> bool:
    """Whether ``user`` may take part in circles: logged in, active, 18+
    confirmed and the current community guidelines accepted. The one rule every
    circle-related path (join request, invitation, chat, RSVP, calendar feed)
    asks before it acts."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    profile = (
        Profile.objects.filter(user_id=user.pk)
        .only("adult_confirmed_at", "guidelines_version")
        .first()
    )
    return profile is not None and profile.has_agreed


def topic_names(slugs) -> list[str]:
    """The names people read for topic slugs (in the active language), in the order
    given (unknown slugs dropped)."""
    slugs = list(slugs)
    if not slugs:
        return []
    names = dict(Topic.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [gettext(names[slug]) for slug in slugs if slug in names]


def week_start_utc(day: date) -> datetime:
    """Monday 00:00 UTC of the week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def local_cell(moment: datetime, tz: ZoneInfo) -> int:
    """The 30-minute cell of the local week (0 = Monday 00:00 local) holding ``moment``."""
    local = moment.astimezone(tz)
    return local.weekday() * SLOTS_PER_DAY + local.hour * 2 + local.minute // 30


def utc_free_slots(local_cells, tz_name: str, week_start: datetime) -> frozenset[int]:
    """UTC cells of the week starting at ``week_start`` during which the person is free.

    Each UTC cell is mapped to the local wall-clock time at that instant with
    ``zoneinfo``, so DST changes inside the target week (and half-hour zones
    such as Asia/Kolkata) come out right: the person stays free at the same
    local times, and the UTC cells shift where the clocks change. A local
    half-hour skipped by a spring change has no UTC cell; one repeated by an
    autumn change has two. In zones offset by 45 minutes (Asia/Kathmandu) a
    UTC cell counts as free when it starts inside a free local cell.
    """
    if week_start.tzinfo is None or week_start.utcoffset() != timedelta(0):
        # A naive datetime would be read in the server's zone: refuse it.
        raise ValueError("week_start must be an aware datetime in UTC.")
    wanted = set(local_cells)
    cells = _local_cells_of_week(tz_name or "UTC", week_start)
    return frozenset(slot for slot, cell in enumerate(cells) if cell in wanted)


@lru_cache(maxsize=512)
def _local_cells_of_week(tz_name: str, week_start: datetime) -> tuple[int, ...]:
    """The local cell of each UTC cell of the week: the same for every person in
    a zone, so a matching round over many seekers computes it once per zone."""
    tz = zone_or_utc(tz_name)
    step = timedelta(minutes=30)
    return tuple(local_cell(week_start + slot * step, tz) for slot in range(SLOTS_PER_WEEK))


def profile_utc_free_slots(profile: Profile, week_start: datetime) -> frozenset[int]:
    """The matching input ``free_slots`` for ``profile`` in the given UTC week."""
    return utc_free_slots(profile.availability, profile.timezone, week_start)
