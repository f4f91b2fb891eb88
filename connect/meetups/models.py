"""Meetups: a series (a one-off is a series of one) and its materialised occurrences.

A series keeps the scheduler's IANA time zone and the LOCAL start date and
time; each occurrence row stores its instant in UTC, computed from the local
wall-clock time with ``zoneinfo``, so a weekly 18:00 Europe/London meetup stays
at 18:00 in London across DST changes. Every occurrence has its own status, so
one can be cancelled or moved without touching the others.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from connect.circles.models import Circle


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("By video")


class Frequency(models.TextChoices):
    ONCE = "once", _("Just once")
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month (same weekday, e.g. the 2nd Tuesday)")


class MeetupSeries(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="meetup_series")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=120)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    # Members only: never shown to anyone outside the circle.
    venue_name = models.CharField(max_length=120, blank=True)
    venue_address = models.CharField(max_length=300, blank=True)
    video_url = models.URLField(max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    agenda = models.TextField(max_length=1000, blank=True)

    timezone = models.CharField(max_length=64)
    start_date = models.DateField(help_text="Local date of the first meetup.")
    start_time = models.TimeField(help_text="Local wall-clock start time.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.ONCE)
    until = models.DateField(null=True, blank=True, help_text="Last local date (inclusive).")
    count = models.PositiveSmallIntegerField(null=True, blank=True)

    # Bumped on every change so calendar apps replace their copy (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="meetup_capacity_positive",
            ),
            models.CheckConstraint(
                # Empty: the meetup uses the circle's own video room (connect.video).
                condition=~Q(mode="virtual")
                | Q(video_url="")
                | Q(video_url__startswith="https://"),
                name="meetup_video_https",
            ),
        ]

    def __str__(self):
        return self.title


class Occurrence(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    series = models.ForeignKey(MeetupSeries, on_delete=models.CASCADE, related_name="occurrences")
    # Denormalised for cheap per-circle listing and permission checks.
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="meetups")
    # The instant the rule produced (iCalendar RECURRENCE-ID); never changes.
    original_start = models.DateTimeField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set once the "we missed you" follow-up has looked at this meetup.
    followup_done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"], name="occurrence_once_per_instant"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["circle", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self):
        return f"{self.series.title} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class RSVP(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes, I'll come")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No, I can't make it")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetup_rsvps"
    )
    answer = models.CharField(max_length=5, choices=Answer.choices)
    # A "yes" that did not fit: waiting in order of ``waitlisted_at``.
    waitlisted = models.BooleanField(default=False)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="rsvp_once_per_person"),
            models.CheckConstraint(
                condition=Q(waitlisted=False) | Q(answer="yes", waitlisted_at__isnull=False),
                name="rsvp_waitlist_is_yes",
            ),
        ]
        indexes = [models.Index(fields=["occurrence", "answer", "waitlisted"])]

    def __str__(self):
        return f"{self.user_id} {self.answer} {self.occurrence_id}"

    @property
    def is_going(self) -> bool:
        return self.answer == self.Answer.YES and not self.waitlisted


class CheckIn(models.Model):
    """A member marked that they were at the meetup."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="checkins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetup_checkins"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="checkin_once_per_person")
        ]

    def __str__(self):
        return f"{self.user_id} at {self.occurrence_id}"


class Feedback(models.Model):
    """The private answer to "Did you feel heard today?".

    The facilitator sees only counts and notes without names; it is never used
    to rank anyone. ``user`` is kept only so a person answers once and can
    export or erase their answer.
    """

    class Heard(models.TextChoices):
        YES = "yes", _("Yes")
        SOMEWHAT = "somewhat", _("Somewhat")
        NO = "no", _("No")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetup_feedback"
    )
    heard = models.CharField(max_length=8, choices=Heard.choices)
    note = models.TextField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="feedback_once_per_person")
        ]

    def __str__(self):
        return f"feedback on {self.occurrence_id}"


class MeetupPreference(models.Model):
    """Which meetup reminders a person wants (channels follow notification preferences)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetup_preference"
    )
    remind_24h = models.BooleanField(_("Remind me a day before"), default=True)
    remind_1h = models.BooleanField(_("Remind me an hour before"), default=True)
    # Stepping back: no reminders and no "we missed you" notes.
    paused = models.BooleanField(_("Pause meetup reminders and check-ins for now"), default=False)

    def __str__(self):
        return f"meetup preferences of {self.user_id}"


class NoticeLog(models.Model):
    """A notice about one meetup to one person, claimed before it is sent.

    The unique row is what makes "never sent twice" true even when the beat
    task runs twice or on two workers at once.
    """

    class Kind(models.TextChoices):
        REMIND_24H = "24h", _("Reminder a day before")
        REMIND_1H = "1h", _("Reminder an hour before")
        CANCELLED = "cancelled", _("Cancellation")
        MISSED_YOU = "missed_you", _("We missed you")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetup_notices"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "user", "kind"], name="notice_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.kind} to {self.user_id} for {self.occurrence_id}"


class FeedToken(models.Model):
    """A private calendar feed. Only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetup_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="feed_one_active"
            )
        ]

    def __str__(self):
        return f"calendar feed of {self.user_id}"
