"""Reads about meetups. Who may see what is asked of ``permissions``."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Profile
from accounts.selectors import SLOTS_PER_WEEK, local_cell, week_start_utc
from connect.circles.models import Circle, Membership
from connect.safety.selectors import blocked_ids

from .models import RSVP, CheckIn, Feedback, MeetupPreference, Occurrence
from .permissions import access_may_see_details

SLOT = timedelta(minutes=30)
UTC = ZoneInfo("UTC")
# Meetups are scheduled (and suggested) from today up to two years ahead.
SCHEDULE_AHEAD = timedelta(days=730)
LIVE = (Occurrence.Status.SCHEDULED, Occurrence.Status.MOVED)
SERIES_FIELDS = (
    "title",
    "mode",
    "venue_name",
    "venue_address",
    "video_url",
    "capacity",
    "agenda",
    "timezone",
    "start_date",
    "start_time",
    "duration_minutes",
    "frequency",
    "until",
    "count",
)


def with_counts(queryset, user):
    """Annotate going/waiting counts and the viewer's own answer (no extra queries)."""
    mine = RSVP.objects.filter(occurrence=OuterRef("pk"), user=user)
    return queryset.annotate(
        going_count=Count(
            "rsvps", filter=Q(rsvps__answer=RSVP.Answer.YES, rsvps__waitlisted=False)
        ),
        waiting_count=Count("rsvps", filter=Q(rsvps__waitlisted=True)),
        my_answer=Subquery(mine.values("answer")[:1]),
        my_waitlisted=Subquery(mine.values("waitlisted")[:1]),
    )


def circle_upcoming(circle_id: int, user, limit: int = 20):
    """The circle's meetups that have not ended yet, soonest first (cancelled ones shown)."""
    qs = Occurrence.objects.filter(circle_id=circle_id, ends_at__gt=timezone.now())
    return list(with_counts(qs.select_related("series"), user).order_by("starts_at")[:limit])


def circle_recent(circle_id: int, limit: int = 5):
    """Meetups that already ended (for check-in), latest first."""
    return list(
        Occurrence.objects.filter(circle_id=circle_id, ends_at__lte=timezone.now(), status__in=LIVE)
        .select_related("series")
        .order_by("-starts_at")[:limit]
    )


def next_meetup_for(user):
    """The person's next meetup (not cancelled, not answered "no"), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    circle_ids = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "circle_id"
    )
    declined = RSVP.objects.filter(user=user, answer=RSVP.Answer.NO).values("occurrence_id")
    qs = (
        Occurrence.objects.filter(
            circle_id__in=circle_ids, status__in=LIVE, ends_at__gt=timezone.now()
        )
        .exclude(pk__in=declined)
        .select_related("series", "circle")
        .order_by("starts_at")
    )
    return with_counts(qs, user).first()


def feed_occurrences(user, days_back: int = 7):
    """Everything for the person's private feed: their circles' meetups, recent and upcoming.

    Cancelled ones stay in (STATUS:CANCELLED) so calendar apps remove them;
    meetups the person answered "no" to are left out. Nothing at all while
    the person may not take part (suspended, or agreements not done): the
    feed then serves an empty calendar until that ends.
    """
    if not access_may_see_details(user):
        return []
    circle_ids = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "circle_id"
    )
    declined = RSVP.objects.filter(user=user, answer=RSVP.Answer.NO).values("occurrence_id")
    return list(
        Occurrence.objects.filter(
            circle_id__in=circle_ids, ends_at__gt=timezone.now() - timedelta(days=days_back)
        )
        .exclude(pk__in=declined)
        .select_related("series", "circle")
        .order_by("starts_at")[:500]
    )


@dataclass(frozen=True)
class Attendee:
    id: int
    name: str


def people_of(occurrence, viewer):
    """Who is coming, waiting, maybe (members-only page), as seen by ``viewer``.

    People in a block with the viewer (either direction) are left out of the
    lists; ``going_count`` still counts every place taken.
    """
    hidden = blocked_ids(viewer.pk)
    rsvps = (
        RSVP.objects.filter(occurrence=occurrence)
        .exclude(answer=RSVP.Answer.NO)
        .select_related("user__profile")
        .order_by("waitlisted_at", "created_at", "id")
    )
    result = {"going": [], "waiting": [], "maybe": [], "going_count": 0}
    for row in rsvps:
        key = "waiting" if row.waitlisted else ("going" if row.is_going else "maybe")
        if key == "going":
            result["going_count"] += 1
        if row.user_id not in hidden:
            result[key].append(Attendee(row.user_id, row.user.display_name))
    return result


def my_rsvp(occurrence, user):
    return RSVP.objects.filter(occurrence=occurrence, user=user).first()


def has_checked_in(occurrence, user) -> bool:
    return CheckIn.objects.filter(occurrence=occurrence, user=user).exists()


def feedback_summary(occurrence) -> dict:
    """For the facilitator only: counts and notes, never names or order of answering."""
    rows = list(Feedback.objects.filter(occurrence=occurrence).values_list("heard", "note"))
    counts = {choice: 0 for choice in Feedback.Heard.values}
    for heard, _ in rows:
        counts[heard] += 1
    return {
        "checked_in": CheckIn.objects.filter(occurrence=occurrence).count(),
        "answers": len(rows),
        "counts": [(label, counts[value]) for value, label in Feedback.Heard.choices],
        # Sorted by text so the order never hints at who wrote what.
        "notes": sorted(note for _, note in rows if note),
    }


def edit_initial(series) -> dict:
    """The edit form starts from the next upcoming meetup, not the series' first one.

    Editing changes future meetups only, so the rule restarts at the next
    meetup's local date, and a count means the meetups still to come.
    """
    initial = {name: getattr(series, name) for name in SERIES_FIELDS}
    upcoming = series.occurrences.filter(
        starts_at__gt=timezone.now(), status=Occurrence.Status.SCHEDULED
    ).order_by("starts_at")
    first = upcoming.first()
    if first is not None:
        initial["start_date"] = first.original_start.astimezone(ZoneInfo(series.timezone)).date()
        if series.count:
            initial["count"] = max(2, upcoming.count())
    return initial


def preference_for(user) -> MeetupPreference:
    pref, _ = MeetupPreference.objects.get_or_create(user=user)
    return pref


@dataclass(frozen=True)
class Suggestion:
    starts_at: datetime  # aware UTC
    local: datetime  # in the scheduler's zone
    free_count: int
    member_count: int
    regular: bool = False  # the circle's regular meeting time


def clashing_occurrences(circle_id: int, starts, length: timedelta) -> list[Occurrence]:
    """The circle's meetups (not cancelled) that overlap any of ``starts`` (UTC
    instants, each lasting ``length``): scheduling over them would double-book."""
    starts = sorted(starts)
    if not starts:
        return []
    candidates = (
        Occurrence.objects.filter(
            circle_id=circle_id, starts_at__lt=starts[-1] + length, ends_at__gt=starts[0]
        )
        .exclude(status=Occurrence.Status.CANCELLED)
        .select_related("series")
        .order_by("starts_at")
    )
    return [
        occ
        for occ in candidates
        if any(occ.starts_at < start + length and start < occ.ends_at for start in starts)
    ]


def schedule_window(today: date | None = None) -> tuple[date, date]:
    """The first and last local dates a meetup may be scheduled or moved to.

    A day of slack before today covers zones ahead of the server's; the
    "has it passed" check then works on the exact time.
    """
    today = today or timezone.now().date()
    return today - timedelta(days=1), today + SCHEDULE_AHEAD


def suggestion_start(tz_name: str, week_of: date | None = None, now: datetime | None = None):
    """Where the seven days of suggestions begin: now, or midnight of ``week_of``
    in the scheduler's zone if that is later; rounded up to the next half hour (UTC)."""
    now = (now or timezone.now()).astimezone(UTC)
    start = now
    if week_of is not None:
        midnight = datetime.combine(week_of, time(0), tzinfo=ZoneInfo(tz_name)).astimezone(UTC)
        start = max(now, midnight)
    floor = start.replace(minute=start.minute // 30 * 30, second=0, microsecond=0)
    return floor if floor == start else floor + SLOT


def _free_cells(profile, start: datetime, cells: int) -> frozenset[int]:
    """Half-hour cells from ``start`` (aware UTC) during which the person is free,
    read in their own zone at each instant (so DST changes come out right)."""
    tz = ZoneInfo(profile.timezone or "UTC")
    wanted = set(profile.availability or [])
    return frozenset(i for i in range(cells) if local_cell(start + i * SLOT, tz) in wanted)


def suggest_times(
    circle_id: int,
    tz_name: str,
    week_of: date | None = None,
    duration_minutes: int = 90,
    limit: int = 5,
    now: datetime | None = None,
) -> list[Suggestion]:
    """The best start times in the next seven days, from members' availability.

    The seven days begin now (or at the start of ``week_of`` in ``tz_name``
    if that is later), so times later this week and early next week both
    count. Each member's weekly availability (in their own zone) is read at
    every half hour; a start scores the members free for the whole meetup.
    The best non-overlapping starts come first. The circle's regular time
    (``Circle.start_slot``, a cell of the UTC week) is always offered when at
    least half the members are free for it. Shown in ``tz_name``.
    """
    now = now or timezone.now()
    start = suggestion_start(tz_name, week_of, now)
    cells = max(1, -(-duration_minutes // 30))
    profiles = list(
        Profile.objects.filter(
            user__memberships__circle_id=circle_id,
            user__memberships__status=Membership.Status.ACTIVE,
        ).only("availability", "timezone")
    )
    if not profiles:
        return []
    span = SLOTS_PER_WEEK + cells - 1  # every start in 7 days, scored to its end
    free_sets = [_free_cells(p, start, span) for p in profiles]

    def free_at(first: int) -> int:
        block = range(first, first + cells)
        return sum(1 for slots in free_sets if all(cell in slots for cell in block))

    scores = {}
    for first in range(SLOTS_PER_WEEK):
        if start + first * SLOT > now and (free := free_at(first)):
            scores[first] = free
    chosen: list[int] = []
    for first in sorted(scores, key=lambda f: (-scores[f], f)):
        if len(chosen) == limit:
            break
        if all(abs(first - other) >= cells for other in chosen):
            chosen.append(first)

    regular = None
    start_slot = Circle.objects.filter(pk=circle_id).values_list("start_slot", flat=True).first()
    if start_slot is not None:
        at = week_start_utc(start.date()) + start_slot * SLOT
        while at < start:
            at += timedelta(days=7)
        regular = (at - start) // SLOT
        if regular not in chosen and scores.get(regular, 0) * 2 >= len(free_sets):
            if len(chosen) == limit:
                chosen.pop()
            chosen.append(regular)

    tz = ZoneInfo(tz_name)
    result = []
    for first in sorted(chosen, key=lambda f: (-scores[f], f)):
        starts_at = start + first * SLOT
        result.append(
            Suggestion(
                starts_at,
                starts_at.astimezone(tz),
                scores[first],
                len(free_sets),
                regular=first == regular,
            )
        )
    return result
