"""Safety records: blocks, suspensions, mutes and reports."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Block(models.Model):
    """One person blocked another. Either direction keeps the pair apart."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocked {self.blocked_id}"


class Suspension(models.Model):
    """A site-wide suspension; ``ends_at`` None means until lifted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    def __str__(self):
        return f"suspension of {self.user_id}"


class Mute(models.Model):
    """A person may read but not post in one circle until ``ends_at``."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes"
    )
    ends_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"mute of {self.user_id} in {self.circle_id}"


class Report(models.Model):
    """Someone's report about a member, a message, a circle or a meetup."""

    class TargetType(models.TextChoices):
        MEMBER = "member", "Member"
        MESSAGE = "message", "Message"
        CIRCLE = "circle", "Circle"
        MEETUP = "meetup", "Meetup"

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", "Harassment"
        HATE = "hate", "Hate"
        SPAM = "spam", "Spam or selling"
        UNSAFE_MEETING = "unsafe_meeting", "Unsafe meeting"
        SELF_HARM = "self_harm", "Self-harm or crisis"
        IMPERSONATION = "impersonation", "Impersonation"
        UNDER_18 = "under_18", "Under 18"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Action taken"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports_made",
    )
    target_type = models.CharField(max_length=10, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id", "status"])]

    def __str__(self):
        return f"report on {self.target_type} {self.target_id}"
