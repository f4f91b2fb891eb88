"""Circles and their members.

Seats are counted on the circle itself (``member_count``) so that a check
constraint can refuse more members than ``capacity``; services change the
count under ``select_for_update`` together with the membership rows.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import Topic

MIN_CIRCLE_SIZE = 4
MAX_CIRCLE_SIZE = 8


class Circle(models.Model):
    class Status(models.TextChoices):
        FORMING = "forming", "Forming"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "By video"

    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Open to join requests"
        BY_INVITATION = "closed", "Not taking requests"

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
    def open_seats(self) -> int:
        return max(0, self.capacity - self.member_count)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        FACILITATOR = "facilitator", "Facilitator"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LEFT = "left", "Left"
        REMOVED = "removed", "Removed"

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
