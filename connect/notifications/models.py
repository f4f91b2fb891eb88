"""In-app notifications, their emails, and each person's preferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; people choose which kinds are emailed."""

    INVITATION = "invitation", _("Circle invitations")
    CIRCLE = "circle", _("Circle news (new members, activation, changes)")
    JOIN_REQUEST = "join_request", _("Join requests and their answers")
    MEETUP = "meetup", _("Meetups scheduled, moved or cancelled")
    REMINDER = "reminder", _("Meetup reminders")
    MENTION = "mention", _("Mentions in chat")
    MODERATION = "moderation", _("Safety and moderation notices")
    ACCOUNT = "account", _("Account notices")


class Notification(models.Model):
    """One thing to tell one person, shown in-app and maybe emailed (see OutboxEmail).

    ``title`` and ``body`` are in the site's default language; ``texts`` holds
    the other languages' versions (``{"es": {"title": ..., "body": ...}}``),
    all rendered when the notice was made (``services.notify``). ``text()``
    picks the reader's.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    texts = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.kind}: {self.title}"

    def text(self, field: str, language: str | None = None) -> str:
        """``field`` ("title" or "body") in ``language`` (default: the active one).

        A notice stored without that language (made from plain strings) is
        still looked up in the catalog, so a fixed sentence reads translated.
        """
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        stored = self.texts.get(language) or self.texts.get(language.split("-")[0]) or {}
        if field in stored:
            return stored[field]
        value = getattr(self, field)
        if not value:
            return value
        with translation.override(language):
            return gettext(value)

    @property
    def shown_title(self) -> str:
        return self.text("title")

    @property
    def shown_body(self) -> str:
        return self.text("body")


class OutboxEmail(models.Model):
    """One email owed to one person, whatever it is about (``connect/notifications/outbox.py``).

    ``source`` names what the email is about ("notification", "invitation")
    and ``source_id`` which row: the email is rendered from it when it is sent,
    by the renderer that source registered, so an invitation answered in the
    meantime is not emailed. The unique pair means one email per thing, and
    ``status`` is the guard every send checks under the row lock.
    """

    class Status(models.TextChoices):
        OWED = "owed", "Waiting to be sent"
        DEFERRED = "deferred", "Held until quiet hours end"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        DROPPED = "dropped", "No longer wanted"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox_emails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=20)
    source_id = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OWED)
    not_before = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="outbox_one_per_source"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "not_before"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self):
        return f"{self.source} {self.source_id} to {self.user_id} ({self.status})"


class OwedTask(models.Model):
    """A Celery task not known to be queued yet (``enqueue.py``).

    Written with the change that asks for the task (deleted once the broker
    has it), or after the commit when the broker refused it (``error`` says
    why), so the work is lost neither while the broker is away nor when a
    process dies right after the commit; the periodic sweep
    (``tasks.owed_tasks_requeue``) queues it again and deletes the row. Only
    ids and plain values are kept (tasks take ids, never model instances).
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


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
