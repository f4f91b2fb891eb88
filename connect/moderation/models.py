"""Moderation records: reports, the audit log, appeals and crisis alerts.

Blocks, mutes, suspensions and warnings live in ``connect.safety``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from connect.safety.reports import ReportReason, ReportTarget


class Report(models.Model):
    """Someone's report about a member, a message, a circle or a meetup."""

    TargetType = ReportTarget
    Reason = ReportReason

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

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


class AuditLogQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused: the audit log is append-only."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("The audit log cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")

    # QuerySet._raw_delete is what a cascade would use; keep it closed too.
    def _raw_delete(self, using):
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


ACTOR_ROLES = {
    "moderator": _("moderator"),
    "facilitator": _("facilitator"),
    "self": _("the person themselves"),
}


class ModerationAction(models.Model):
    """One entry of the append-only audit log: who did what, to whom, why, when.

    People are stored as plain integer ids (never foreign keys), so deleting an
    account keeps its entries with the id only and nothing cascades. Rows are
    written once; ``save()`` refuses updates, ``delete()`` and queryset
    ``update()``/``delete()`` refuse, and on PostgreSQL a trigger refuses
    UPDATE and DELETE at the database itself.
    """

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("Dismissed the reports")
        WARN = "warn", _("Warning")
        HIDE_MESSAGE = "hide_message", _("Message hidden")
        MUTE = "mute", _("Muted in a circle")
        REMOVE = "remove", _("Removed from a circle")
        SUSPEND = "suspend", _("Account suspended")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal reviewed: decision stands")
        APPEAL_OVERTURNED = "appeal_overturned", _("Appeal reviewed: decision reversed")
        CRISIS_HANDLED = "crisis_handled", _("Crisis alert handled")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted by its owner")
        VIDEO_MUTE = "video_mute", _("Microphone turned off in the video room")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_role = models.CharField(max_length=12, blank=True)  # moderator / facilitator / self
    target_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    circle_id = models.BigIntegerField(null=True, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)
    report_ids = models.JSONField(default=list, blank=True)
    appeal_id = models.BigIntegerField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("add", "view")
        permissions = [("moderate", "Can act as a site moderator")]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.actor_id} on {self.target_user_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")

    @property
    def is_appealable(self) -> bool:
        return self.kind in APPEALABLE_KINDS

    @property
    def actor_role_label(self) -> str:
        """Who acted, as people read it (the stored ``actor_role`` is a code)."""
        return str(ACTOR_ROLES.get(self.actor_role, self.actor_role))


APPEALABLE_KINDS = {
    ModerationAction.Kind.WARN,
    ModerationAction.Kind.HIDE_MESSAGE,
    ModerationAction.Kind.MUTE,
    ModerationAction.Kind.REMOVE,
    ModerationAction.Kind.SUSPEND,
}


class Appeal(models.Model):
    """The acted-on person asks a moderator to look again at one action."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        UPHELD = "upheld", _("Decision stands")
        OVERTURNED = "overturned", _("Decision reversed")

    action = models.ForeignKey(ModerationAction, on_delete=models.PROTECT, related_name="appeals")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action"], condition=Q(status="open"), name="appeal_open_once"
            )
        ]

    def __str__(self):
        return f"appeal {self.pk} on action {self.action_id}"


class CrisisAlert(models.Model):
    """Crisis language was seen in a chat message; shown first in the queue."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")

    message = models.ForeignKey(
        "chat.Message", on_delete=models.CASCADE, related_name="crisis_alerts"
    )
    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="crisis_alerts"
    )
    author_id = models.BigIntegerField(null=True, blank=True)
    phrases = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"crisis alert on message {self.message_id}"
