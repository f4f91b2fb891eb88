"""Reads about meetups. Every permission check on meetups goes through here."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Profile
from accounts.selectors import SLOTS_PER_WEEK, utc_free_slots, week_start_utc
from connect.circles.models import Circle, Membership
from connect.circles.selectors import active_membership

from .models import RSVP, CheckIn, Feedback, MeetupPreference, Occurrence

SLOT = timedelta(minutes=30)
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


def can_schedule(membership: Membership | None) -> bool:
    """Facilitators schedule; other members too if the circle allows it."""
    if membership is None or membership.circle.status == Circle.Status.CLOSED:
        return False
    return membership.is_facilitator or membership.circle.members_can_schedule


def can_manage(membership: Membership | None, series) -> bool:
    """Facilitators, and whoever scheduled the series, may change or cancel it."""
    if membership is None:
        return False
    return membership.is_facilitator or series.created_by_id == membership.user_id


def occurrence_for_member(user, pk: int):
    """(occurrence, membership) if ``user`` is an active member of its circle, else None.

    Callers answer 404 on None so non-members learn nothing, not even that it exists.
    """
    occurrence = Occurrence.objects.select_related("series", "circle").filter(pk=pk).first()
    if occurrence is None:
        return None
    membership = active_membership(user, occurrence.circle_id)
    if membership is None:
        return None
    return occurrence, membership


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
    meetups the person answered "no" to are left out.
    """
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


def people_of(occurrence):
    """Display names of who is coming, waiting, maybe (members-only page)."""
    rsvps = (
        RSVP.objects.filter(occurrence=occurrence)
        .exclude(answer=RSVP.Answer.NO)
        .select_related("user__profile")
        .order_by("waitlisted_at", "created_at", "id")
    )
    result = {"going": [], "waiting": [], "maybe": []}
    for row in rsvps:
        key = "waiting" if row.waitlisted else ("going" if row.is_going else "maybe")
        result[key].append(row.user.display_name)
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


def suggest_times(
    circle_id: int,
    tz_name: str,
    week_of: date,
    duration_minutes: int = 90,
    limit: int = 5,
    now: datetime | None = None,
) -> list[Suggestion]:
    """The best start times in the week holding ``week_of``, from members' availability.

    Each member's weekly availability (in their own zone) is turned into UTC
    cells of that week (``accounts.selectors.utc_free_slots``); a start time
    scores the number of members free for the whole meetup. The best
    non-overlapping, not-yet-passed ones come first, shown in ``tz_name``.
    """
    now = now or timezone.now()
    week_start = week_start_utc(week_of)
    profiles = Profile.objects.filter(
        user__memberships__circle_id=circle_id,
        user__memberships__status=Membership.Status.ACTIVE,
    ).only("availability", "timezone")
    free_sets = [utc_free_slots(p.availability or [], p.timezone, week_start) for p in profiles]
    if not free_sets:
        return []
    cells = max(1, -(-duration_minutes // 30))
    scored = []
    for start in range(SLOTS_PER_WEEK - cells + 1):
        starts_at = week_start + start * SLOT
        if starts_at <= now:
            continue
        block = range(start, start + cells)
        free = sum(1 for slots in free_sets if all(cell in slots for cell in block))
        if free:
            scored.append((-free, start))
    scored.sort()
    chosen: list[int] = []
    for _neg, start in scored:
        if all(abs(start - other) >= cells for other in chosen):
            chosen.append(start)
        if len(chosen) == limit:
            break
    tz = ZoneInfo(tz_name)
    result = []
    for start in chosen:
        starts_at = week_start + start * SLOT
        free = sum(1 for slots in free_sets if all(c in slots for c in range(start, start + cells)))
        result.append(Suggestion(starts_at, starts_at.astimezone(tz), free, len(free_sets)))
    return result
