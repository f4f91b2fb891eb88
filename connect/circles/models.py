"""Circles and their members.

Seats are counted on the circle itself (``member_count``) so that a check
constraint can refuse more members than ``capacity``; services change the
count under ``select_for_update`` together with the membership rows.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_name
from accounts.models import Topic
from connect.matching.types import MAX_CIRCLE_SIZE, MIN_CIRCLE_SIZE, MatchResult

__all__ = [
    "MAX_CIRCLE_SIZE",
    "MIN_CIRCLE_SIZE",
    "Circle",
    "CircleCloseReason",
    "Invitation",
    "JoinRequest",
    "MatchRound",
    "Membership",
    "MembershipEndReason",
    "RoundLock",
    "StayOpenVote",
]


def seats_open(capacity: int, member_count: int, pending_invitations: int) -> int:
    """Seats a matching round or a join request may fill: capacity − active
    members − pending invitations (a declined or expired invitation frees its
    seat for the next round)."""
    return max(0, capacity - member_count - pending_invitations)


class Circle(models.Model):
    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("By video")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open to join requests")
        BY_INVITATION = "closed", _("Not taking requests")

    name = models.CharField(max_length=80)
    topics = models.ManyToManyField(Topic, related_name="circles", blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    language = models.CharField(max_length=10, default="en")
    # The regular meeting time: 30-minute cells of the UTC week (0 = Monday
    # 00:00 UTC) as the matching engine proposed it; shown in each person's zone.
    start_slot = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(335)]
    )
    slot_count = models.PositiveSmallIntegerField(default=2)
    # In person only: a city-level point, never an address.
    city_name = models.CharField(max_length=120, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    capacity = models.PositiveSmallIntegerField(
        default=MAX_CIRCLE_SIZE,
        validators=[MinValueValidator(MIN_CIRCLE_SIZE), MaxValueValidator(MAX_CIRCLE_SIZE)],
    )
    member_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FORMING)
    join_policy = models.CharField(
        max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    members_can_schedule = models.BooleanField(default=False)
    match_reason = models.TextField(blank=True)
    match_round = models.ForeignKey(
        "MatchRound", on_delete=models.SET_NULL, null=True, blank=True, related_name="circles"
    )
    # Set while an active circle is below the minimum size (status paused).
    below_minimum_since = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=MIN_CIRCLE_SIZE) & Q(capacity__lte=MAX_CIRCLE_SIZE),
                name="circle_capacity_4_8",
            ),
            models.CheckConstraint(
                condition=Q(member_count__lte=F("capacity")), name="circle_not_over_capacity"
            ),
            models.CheckConstraint(
                condition=Q(start_slot__gte=0) & Q(start_slot__lte=335),
                name="circle_start_slot_in_week",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    def open_seats(self, pending_invitations: int) -> int:
        """Seats a matching round or a join request may fill (``seats_open``)."""
        return seats_open(self.capacity, self.member_count, pending_invitations)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=Q(status="active"),
                name="membership_active_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user_id} in {self.circle_id} ({self.role})"

    @property
    def is_facilitator(self) -> bool:
        return self.role == self.Role.FACILITATOR


class MembershipEndReason(models.TextChoices):
    """Why a membership ended; every way out goes through ``membership_end``."""

    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed by a facilitator or a moderator")
    BLOCKED_REMATCH = "blocked_rematch", _("Left after a block, to be matched again")
    SUSPENDED = "suspended", _("Account suspended")
    ACCOUNT_DELETED = "account_deleted", _("Account deleted")
    CIRCLE_CLOSED = "circle_closed", _("The circle closed")

    @property
    def membership_status(self) -> str:
        """The status the ended membership keeps."""
        if self in (MembershipEndReason.REMOVED, MembershipEndReason.SUSPENDED):
            return Membership.Status.REMOVED
        return Membership.Status.LEFT


class CircleCloseReason(models.TextChoices):
    """Why a circle closed; every close goes through ``circle_close``."""

    DISSOLVED = "dissolved", _("Could not start: too few accepted")
    VOTED = "voted", _("Most remaining members voted to close")
    EMPTY = "empty", _("The last member left")


class MatchRound(models.Model):
    """One matching round, recorded for operators (read-only in the admin)."""

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    seekers = models.PositiveIntegerField(default=0)
    open_circles = models.PositiveIntegerField(default=0)
    circles_proposed = models.PositiveIntegerField(default=0)
    top_ups = models.PositiveIntegerField(default=0)
    placed = models.PositiveIntegerField(default=0)
    # Seekers the engine could have placed this round (its "placeable"), and
    # how many it left waiting for each of its reasons ({reason: count}).
    placeable = models.PositiveIntegerField(default=0)
    unplaced_reasons = models.JSONField(default=dict, blank=True)
    invitations = models.PositiveIntegerField(default=0)
    quality = models.FloatField(default=0.0)
    bound = models.FloatField(default=0.0)
    quality_ratio = models.FloatField(null=True, blank=True, help_text="quality / bound")
    seconds = models.FloatField(default=0.0)
    error = models.TextField(blank=True)

    # The engine's answer, handed to the round's caller with the record (not stored).
    result: MatchResult | None = None

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"round {self.pk} at {self.started_at:%Y-%m-%d %H:%M}"


class RoundLock(models.Model):
    """A single row locked (SELECT … FOR UPDATE NOWAIT) while a round runs,
    so two rounds never run at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return "matching round lock"


class Invitation(models.Model):
    """An offer of a seat in a circle, from a matching round."""

    class Kind(models.TextChoices):
        NEW_CIRCLE = "new", _("New circle")
        TOP_UP = "top_up", _("Open seat in an existing circle")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_invitations"
    )
    match_round = models.ForeignKey(
        MatchRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="invites"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEW_CIRCLE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    # Why these people were matched (the time is rendered in the reader's zone).
    shared_topics = models.JSONField(default=list, blank=True)
    distance_km = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=Q(status="pending"),
                name="invitation_pending_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self):
        return f"invitation of {self.user_id} to {self.circle_id} ({self.status})"


class JoinRequest(models.Model):
    """Someone browsing asks to join an open circle; a facilitator decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the facilitator")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=Q(status="pending"),
                name="join_request_pending_once",
            ),
        ]

    def __str__(self):
        return f"join request of {self.user_id} to {self.circle_id} ({self.status})"


class StayOpenVote(models.Model):
    """A remaining member's answer when their circle drops below the minimum size."""

    class Choice(models.TextChoices):
        STAY_OPEN = "stay", _("Stay open for new members")
        CLOSE = "close", _("Close the circle")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="stay_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=5, choices=Choice.choices)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="stay_vote_once"),
        ]

    def __str__(self):
        return f"{self.user_id} votes {self.choice} for {self.circle_id}"
