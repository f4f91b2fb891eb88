"""Safety records: blocks, suspensions, mutes and the warnings a person must read.

The tables keep the names they had when these models lived in the moderation
app, so their rows never moved.
"""

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
        db_table = "moderation_block"
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

    class Meta:
        db_table = "moderation_suspension"

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

    class Meta:
        db_table = "moderation_mute"

    def __str__(self):
        return f"mute of {self.user_id} in {self.circle_id}"


class ModerationWarning(models.Model):
    """A warning the person must read and acknowledge before using the site again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_warnings"
    )
    action_id = models.BigIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "moderation_moderationwarning"
        indexes = [models.Index(fields=["user", "acknowledged_at"])]

    def __str__(self):
        return f"warning to {self.user_id}"
