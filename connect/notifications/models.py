"""In-app notifications, their emails, and each person's preferences."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    """What a notification is about; people choose which kinds are emailed."""

    INVITATION = "invitation", "Circle invitations"
    CIRCLE = "circle", "Circle news (new members, activation, changes)"
    JOIN_REQUEST = "join_request", "Join requests and their answers"
    MEETUP = "meetup", "Meetups scheduled, moved or cancelled"
    REMINDER = "reminder", "Meetup reminders"
    MENTION = "mention", "Mentions in chat"
    MODERATION = "moderation", "Safety and moderation notices"
    ACCOUNT = "account", "Account notices"


class Notification(models.Model):
    """One thing to tell one person, shown in-app and maybe emailed."""

    class EmailStatus(models.TextChoices):
        NONE = "none", "Not emailed"
        PENDING = "pending", "Waiting to be sent"
        DEFERRED = "deferred", "Held until quiet hours end"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    email_not_before = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_status", "email_not_before"]),
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"


def default_email_kinds() -> list[str]:
    return [k for k in Kind.values if k != Kind.MENTION]


class NotificationPreference(models.Model):
    """Which kinds are emailed, and quiet hours in the person's own time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_kinds = models.JSONField(default=default_email_kinds, blank=True)
    quiet_start = models.TimeField(null=True, blank=True, help_text="e.g. 22:00")
    quiet_end = models.TimeField(null=True, blank=True, help_text="e.g. 08:00")

    def __str__(self):
        return f"preferences of {self.user_id}"
