"""Writes about meetups: scheduling, changes, RSVPs, check-ins, calendar feeds.

Every write is made on behalf of a person and first asks ``permissions`` whether
they may: called for the wrong person a service raises ``AccessDenied`` and
changes nothing. ``MeetupError`` is for what the rules refuse to anyone.

Seats are counted under a row lock on the occurrence (``select_for_update``)
so two people can never both take the last place; the unique RSVP row per
person and occurrence backs it in the database.
"""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from connect.circles.language import notify_in_language
from connect.circles.models import Membership
from connect.notifications.enqueue import task_enqueue_on_commit
from connect.notifications.models import Kind

from . import recurrence
from .models import RSVP, CheckIn, Feedback, FeedToken, MeetupSeries, Occurrence
from .permissions import (
    access_circle_to_schedule,
    access_occurrence,
    access_occurrence_to_manage,
    access_participant,
    access_series_to_manage,
)
from .selectors import (
    SERIES_FIELDS,  # noqa: F401  (re-exported for views and tests)
    schedule_window,
)

CHECK_IN_WINDOW = timedelta(days=7)
OUT_OF_WINDOW = _("Pick a date from today up to two years ahead.")


class MeetupError(Exception):
    """A request the rules refuse; the message is shown to the person."""


def rule_of(series: MeetupSeries) -> recurrence.Rule:
    return recurrence.Rule(
        timezone=series.timezone,
        start_date=series.start_date,
        start_time=series.start_time,
        frequency=series.frequency,
        until=series.until,
        count=series.count,
    )


def _require_in_window(day: date) -> None:
    first, last = schedule_window()
    if not first <= day <= last:
        raise MeetupError(OUT_OF_WINDOW)


def _member_ids(circle_id: int) -> list[int]:
    return list(
        Membership.objects.filter(circle_id=circle_id, status=Membership.Status.ACTIVE).values_list(
            "user_id", flat=True
        )
    )


def _notify_members(circle_id, kind, title, body, url, exclude=()):
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(pk__in=_member_ids(circle_id))
        .exclude(pk__in=exclude)
        .select_related("profile")
    )
    for person in users:
        notify_in_language(person, kind, title, body, url)


def _materialise(series: MeetupSeries, keep_before: datetime | None = None) -> None:
    """Create the rows the rule asks for; drop untouched future rows it no longer has.

    Past rows and rows someone moved or cancelled by hand are never touched,
    and they keep their local day: the new rule adds nothing on a day that
    already had its meetup (or had it moved or cancelled). ``keep_before``
    marks "the past" (None for a new series).
    """
    tz = ZoneInfo(series.timezone)
    duration = recurrence.duration(series.duration_minutes)
    wanted = set(recurrence.utc_starts(rule_of(series)))
    if keep_before is not None:
        wanted = {start for start in wanted if start > keep_before}
    existing = {occ.original_start: occ for occ in series.occurrences.all()}
    claimed_days = set()
    for start, occ in existing.items():
        future = keep_before is None or occ.starts_at > keep_before
        if future and occ.status == Occurrence.Status.SCHEDULED:
            if start not in wanted:
                occ.delete()
            else:
                # Same instant, maybe a new duration.
                Occurrence.objects.filter(pk=occ.pk).update(ends_at=start + duration)
        else:
            claimed_days.add(start.astimezone(tz).date())
    Occurrence.objects.bulk_create(
        Occurrence(
            series=series,
            circle_id=series.circle_id,
            original_start=start,
            starts_at=start,
            ends_at=start + duration,
        )
        for start in sorted(wanted - set(existing))
        if start.astimezone(tz).date() not in claimed_days
    )


@transaction.atomic
def schedule_series(circle, by, **fields) -> MeetupSeries:
    """Create a meetup (a series of one, or a recurring series) and its occurrences,
    if ``by`` may schedule in the circle."""
    circle = access_circle_to_schedule(by, circle.pk).circle
    series = MeetupSeries.objects.create(circle=circle, created_by=by, **fields)
    _materialise(series)
    first = series.occurrences.order_by("starts_at").first()
    assert first is not None  # _materialise creates at least one occurrence
    _notify_members(
        circle.pk,
        Kind.MEETUP,
        format_lazy(_("New meetup: {title}"), title=series.title),
        format_lazy(_("{name} has a new meetup. Open it to RSVP."), name=circle.name),
        reverse("meetups:detail", args=[first.pk]),
        exclude=[by.pk],
    )
    return series


@transaction.atomic
def edit_series(series: MeetupSeries, by, **fields) -> MeetupSeries:
    """Change a series from now on: past meetups and hand-moved ones stay as they were.

    Future untouched occurrences whose instant is no longer in the rule are
    removed (with their RSVPs; members are told to RSVP again).
    """
    series, _membership = access_series_to_manage(by, series.pk, acting=True, lock=True)
    for name, value in fields.items():
        setattr(series, name, value)
    series.sequence += 1
    series.save()
    _materialise(series, keep_before=timezone.now())
    first = series.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    if first is not None:
        _notify_members(
            series.circle_id,
            Kind.MEETUP,
            format_lazy(_("Meetup changed: {title}"), title=series.title),
            _("The details of upcoming meetups changed. Please check the time and your RSVP."),
            reverse("meetups:detail", args=[first.pk]),
            exclude=[by.pk],
        )
    return series


@transaction.atomic
def cancel_occurrence(occurrence: Occurrence, by) -> Occurrence:
    """Cancel one occurrence; the others stay. Members get a cancellation notice."""
    occurrence, _membership = access_occurrence_to_manage(by, occurrence.pk, acting=True, lock=True)
    if occurrence.is_cancelled:
        return occurrence
    occurrence.status = Occurrence.Status.CANCELLED
    occurrence.cancelled_at = timezone.now()
    occurrence.save(update_fields=["status", "cancelled_at"])
    MeetupSeries.objects.filter(pk=occurrence.series_id).update(sequence=F("sequence") + 1)
    from .tasks import send_cancellation

    task_enqueue_on_commit(send_cancellation, occurrence.pk)
    return occurrence


@transaction.atomic
def move_occurrence(occurrence: Occurrence, by, new_date: date, new_time: time) -> Occurrence:
    """Move one occurrence to another local date/time (in the series' zone)."""
    occurrence, _membership = access_occurrence_to_manage(by, occurrence.pk, acting=True, lock=True)
    if occurrence.is_cancelled:
        raise MeetupError(gettext("A cancelled meetup can't be moved."))
    _require_in_window(new_date)
    series = occurrence.series
    start = recurrence.to_utc(datetime.combine(new_date, new_time), series.timezone)
    if start <= timezone.now():
        raise MeetupError(gettext("Pick a time that hasn't passed yet."))
    occurrence.starts_at = start
    occurrence.ends_at = start + recurrence.duration(series.duration_minutes)
    occurrence.status = Occurrence.Status.MOVED
    occurrence.save(update_fields=["starts_at", "ends_at", "status"])
    MeetupSeries.objects.filter(pk=series.pk).update(sequence=F("sequence") + 1)
    # A moved meetup sends its reminders again for the new time.
    occurrence.notices.filter(kind__in=["24h", "1h"]).delete()
    _notify_members(
        series.circle_id,
        Kind.MEETUP,
        format_lazy(_("Meetup moved: {title}"), title=series.title),
        _("One meetup has a new time. Please check it and your RSVP."),
        reverse("meetups:detail", args=[occurrence.pk]),
        exclude=[by.pk],
    )
    return occurrence


def _promote_waitlist(occurrence: Occurrence) -> RSVP | None:
    """Give free places to the first people waiting (call with the occurrence locked)."""
    capacity = occurrence.series.capacity
    going = RSVP.objects.filter(occurrence=occurrence, answer=RSVP.Answer.YES, waitlisted=False)
    promoted = None
    while capacity is None or going.count() < capacity:
        first = (
            RSVP.objects.filter(occurrence=occurrence, waitlisted=True)
            .order_by("waitlisted_at", "id")
            .select_related("user")
            .first()
        )
        if first is None:
            break
        first.waitlisted = False
        first.waitlisted_at = None
        first.save(update_fields=["waitlisted", "waitlisted_at", "updated_at"])
        notify_in_language(
            first.user,
            Kind.MEETUP,
            format_lazy(_("A place opened up: {title}"), title=occurrence.series.title),
            _(
                "You were on the waiting list and now have a place. "
                "If you can't come any more, change your RSVP so the next person can."
            ),
            reverse("meetups:detail", args=[occurrence.pk]),
        )
        promoted = first
    return promoted


@transaction.atomic
def rsvp(occurrence: Occurrence, user, answer: str) -> RSVP:
    """Answer yes / maybe / no. A "yes" beyond the capacity joins the waiting list."""
    occurrence, _membership = access_occurrence(user, occurrence.pk, acting=True, lock=True)
    if answer not in RSVP.Answer.values:
        raise MeetupError(gettext("Choose yes, maybe or no."))
    if occurrence.is_cancelled:
        raise MeetupError(gettext("This meetup was cancelled."))
    if occurrence.starts_at <= timezone.now():
        raise MeetupError(gettext("This meetup has already started."))

    current = RSVP.objects.filter(occurrence=occurrence, user=user).first()
    was_going = current is not None and current.is_going
    if answer == RSVP.Answer.YES:
        if current is not None and current.answer == RSVP.Answer.YES:
            return current  # already going, or keeps their place in the queue
        capacity = occurrence.series.capacity
        going = RSVP.objects.filter(
            occurrence=occurrence, answer=RSVP.Answer.YES, waitlisted=False
        ).count()
        full = capacity is not None and going >= capacity
        values = {
            "answer": answer,
            "waitlisted": full,
            "waitlisted_at": timezone.now() if full else None,
        }
    else:
        values = {"answer": answer, "waitlisted": False, "waitlisted_at": None}
    result, _created = RSVP.objects.update_or_create(
        occurrence=occurrence, user=user, defaults=values
    )
    if was_going and answer != RSVP.Answer.YES:
        _promote_waitlist(occurrence)
    return result


def release_places_of(user) -> None:
    """Delete the person's RSVPs and hand any place they held to the next person."""
    occurrence_ids = list(
        RSVP.objects.filter(user=user, answer=RSVP.Answer.YES, waitlisted=False).values_list(
            "occurrence_id", flat=True
        )
    )
    RSVP.objects.filter(user=user).delete()
    for pk in occurrence_ids:
        with transaction.atomic():
            occurrence = Occurrence.objects.select_for_update().select_related("series").get(pk=pk)
            if not occurrence.is_cancelled and occurrence.starts_at > timezone.now():
                _promote_waitlist(occurrence)


def check_in_open(occurrence: Occurrence, now=None) -> bool:
    """Check-in opens when the meetup starts and stays open for a week after it ends."""
    now = now or timezone.now()
    return (
        not occurrence.is_cancelled
        and occurrence.starts_at <= now
        and now <= occurrence.ends_at + CHECK_IN_WINDOW
    )


@transaction.atomic
def check_in(occurrence: Occurrence, user, heard: str = "", note: str = "") -> CheckIn:
    """Mark that ``user`` was there, with the optional private "felt heard" answer."""
    occurrence, _membership = access_occurrence(user, occurrence.pk, acting=True)
    if not check_in_open(occurrence):
        raise MeetupError(gettext("Check-in opens when the meetup starts and closes a week after."))
    checkin, _created = CheckIn.objects.get_or_create(occurrence=occurrence, user=user)
    if heard:
        Feedback.objects.update_or_create(
            occurrence=occurrence, user=user, defaults={"heard": heard, "note": note.strip()}
        )
    return checkin


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_feed_token(user) -> str:
    """Revoke any current feed and issue a new secret; returns it (shown once).

    Only for someone who may take part (agreed, not suspended), like every
    other meetup service: the feed would show them nothing anyway."""
    access_participant(user)
    FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    FeedToken.objects.create(user=user, token_hash=_hash(token))
    return token


def revoke_feed_token(user) -> int:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def feed_user(token: str):
    """The person whose active feed has this secret, or None (revoked, unknown, or
    the account deleted or deactivated).

    A valid token alone does not show meetups: ``selectors.feed_occurrences``
    serves nothing while the person is suspended or has not agreed.
    """
    row = (
        FeedToken.objects.filter(token_hash=_hash(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    FeedToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
