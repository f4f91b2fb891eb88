"""Celery tasks: reminders, cancellation notices, and the "we missed you" note.

Every notice to a person is first claimed as a unique ``NoticeLog`` row
(occurrence × person × kind) in the same transaction that records the
notification, so a task that runs twice (or on two workers) never sends
twice. ``notify`` queues the email on commit; its own task respects quiet
hours and email preferences.
"""

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from connect.circles.language import notify_in_language
from connect.circles.models import Membership
from connect.notifications.models import Kind

from .models import RSVP, CheckIn, MeetupPreference, NoticeLog, Occurrence
from .selectors import has_video_room

log = logging.getLogger(__name__)

REMINDERS = (
    # kind, how long before, preference field
    (NoticeLog.Kind.REMIND_24H, timedelta(hours=24), "remind_24h"),
    (NoticeLog.Kind.REMIND_1H, timedelta(hours=1), "remind_1h"),
)
# The "we missed you" check waits a day after a meetup so people can check in.
FOLLOWUP_DELAY = timedelta(hours=24)
LIVE = (Occurrence.Status.SCHEDULED, Occurrence.Status.MOVED)


def _claim_and_notify(occurrence, user, kind, title, body, url) -> bool:
    """Claim the notice row, then notify, atomically. False if it was claimed before."""
    try:
        with transaction.atomic():
            NoticeLog.objects.create(occurrence=occurrence, user=user, kind=kind)
            notify_in_language(
                user, Kind.REMINDER if kind in ("24h", "1h") else Kind.MEETUP, title, body, url
            )
    except IntegrityError:
        return False
    return True


def _local_text(occurrence, user) -> str:
    tz_name = getattr(getattr(user, "profile", None), "timezone", "") or "UTC"
    local = occurrence.starts_at.astimezone(ZoneInfo(tz_name))
    return formats.date_format(local, pgettext("date format", "l j F, H:i T"))


# The meetup's start in the person's own zone, for the notice text: worded
# when the notice is, in the person's language.
_local = lazy(_local_text, str)


def _members(circle_id):
    return (
        get_user_model()
        .objects.filter(
            memberships__circle_id=circle_id,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .select_related("profile")
    )


@shared_task
def send_due_reminders() -> int:
    """Send the 24-hour and 1-hour reminders that are due (run every few minutes by beat).

    The 24-hour reminder is due from 24 h to 1 h before; the 1-hour one in the
    last hour. People who answered "no", or turned a reminder off, get none.
    """
    now = timezone.now()
    sent = 0
    for kind, before, field in REMINDERS:
        later = now + before
        earlier = now + timedelta(hours=1) if kind == NoticeLog.Kind.REMIND_24H else now
        due = Occurrence.objects.filter(
            status__in=LIVE, starts_at__gt=earlier, starts_at__lte=later
        ).select_related("series", "circle")
        for occurrence in due:
            declined = set(
                RSVP.objects.filter(occurrence=occurrence, answer=RSVP.Answer.NO).values_list(
                    "user_id", flat=True
                )
            )
            people = list(_members(occurrence.circle_id))
            opted_out = set(
                MeetupPreference.objects.filter(user__in=people)
                .filter(Q(**{field: False}) | Q(paused=True))
                .values_list("user_id", flat=True)
            )
            url = reverse("meetups:detail", args=[occurrence.pk])
            video: object = ""
            if has_video_room(occurrence):
                room = reverse("video:room", args=[occurrence.pk])
                video = format_lazy(
                    " {}",
                    format_lazy(
                        _(
                            "Join the video (members only, never recorded; it opens 10 minutes "
                            "before): {url}"
                        ),
                        url=f"{settings.SITE_URL}{room}",
                    ),
                )
            title = (
                _("Reminder: {title} tomorrow")
                if kind == NoticeLog.Kind.REMIND_24H
                else _("Reminder: {title} in an hour")
            )
            for user in people:
                if user.pk in declined or user.pk in opted_out:
                    continue
                if _claim_and_notify(
                    occurrence,
                    user,
                    kind,
                    format_lazy(title, title=occurrence.series.title),
                    format_lazy(
                        "{}{}",
                        format_lazy(
                            _(
                                "{name} meets {when}. "
                                "If you can't come, change your RSVP so others know."
                            ),
                            name=occurrence.circle.name,
                            when=_local(occurrence, user),
                        ),
                        video,
                    ),
                    url,
                ):
                    sent += 1
    return sent


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def send_cancellation(self, occurrence_id: int) -> int:
    """Tell members a meetup was cancelled (once each), instead of any reminder."""
    occurrence = (
        Occurrence.objects.select_related("series", "circle").filter(pk=occurrence_id).first()
    )
    if occurrence is None or not occurrence.is_cancelled:
        return 0
    if occurrence.starts_at <= timezone.now():
        return 0
    declined = set(
        RSVP.objects.filter(occurrence=occurrence, answer=RSVP.Answer.NO).values_list(
            "user_id", flat=True
        )
    )
    url = reverse("meetups:detail", args=[occurrence.pk])
    sent = 0
    for user in _members(occurrence.circle_id):
        if user.pk in declined:
            continue
        if _claim_and_notify(
            occurrence,
            user,
            NoticeLog.Kind.CANCELLED,
            format_lazy(_("Cancelled: {title}"), title=occurrence.series.title),
            format_lazy(
                _(
                    "The {name} meetup on {when} is cancelled. "
                    "Other meetups of the series are not affected."
                ),
                name=occurrence.circle.name,
                when=_local(occurrence, user),
            ),
            url,
        ):
            sent += 1
    return sent


def _missed_streak(user_id, membership_joined, occurrence) -> int:
    """How many of the circle's meetups in a row, ending with ``occurrence``, the person missed."""
    recent = list(
        Occurrence.objects.filter(
            circle_id=occurrence.circle_id,
            status__in=LIVE,
            starts_at__lte=occurrence.starts_at,
            starts_at__gte=membership_joined,
        )
        .order_by("-starts_at", "-id")
        .values_list("pk", flat=True)[:3]
    )
    attended = set(
        CheckIn.objects.filter(user_id=user_id, occurrence_id__in=recent).values_list(
            "occurrence_id", flat=True
        )
    )
    streak = 0
    for pk in recent:
        if pk in attended:
            break
        streak += 1
    return streak


@shared_task
def send_missed_you_notes() -> int:
    """A gentle note to people who missed two meetups in a row, once per streak.

    Runs a day after each meetup (so people can check in). The note goes out
    when a streak reaches exactly two, so a third miss in a row sends nothing.
    """
    now = timezone.now()
    sent = 0
    due = (
        Occurrence.objects.filter(
            status__in=LIVE, ends_at__lte=now - FOLLOWUP_DELAY, followup_done_at__isnull=True
        )
        .select_related("circle", "series")
        .order_by("starts_at")[:200]
    )
    paused = set(MeetupPreference.objects.filter(paused=True).values_list("user_id", flat=True))
    for occurrence in due:
        memberships = Membership.objects.filter(
            circle_id=occurrence.circle_id,
            status=Membership.Status.ACTIVE,
            joined_at__lte=occurrence.starts_at,
        ).select_related("user")
        for membership in memberships:
            if membership.user_id in paused:
                continue
            if _missed_streak(membership.user_id, membership.joined_at, occurrence) != 2:
                continue
            if _claim_and_notify(
                occurrence,
                membership.user,
                NoticeLog.Kind.MISSED_YOU,
                format_lazy(_("We missed you at {name}"), name=occurrence.circle.name),
                _(
                    "We noticed you haven't made the last two meetups. Life gets busy, and "
                    "that's okay. You're welcome back whenever you're ready. If you'd like "
                    "to step back for a while, you can pause meetup reminders or leave the "
                    "circle; no explanation needed."
                ),
                reverse("meetups:step_back", args=[occurrence.circle_id]),
            ):
                sent += 1
        Occurrence.objects.filter(pk=occurrence.pk).update(followup_done_at=now)
    return sent
