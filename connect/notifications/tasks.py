"""Celery tasks that email notifications.

Each task takes an id, re-reads the row under a lock and acts only while the
row's status says the email is still owed, so a retried or duplicated task
never sends twice. Only transient errors (network, SMTP) are retried.
"""

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .emails import send_notification
from .models import Notification
from .quiet_hours import quiet_until
from .selectors import notification_preference_for

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
OWED = (Notification.EmailStatus.PENDING, Notification.EmailStatus.DEFERRED)
# An email still owed this long after its notification was made lost its task (a
# worker killed between the commit and queueing it, or the broker away then).
STALE_AFTER = timedelta(minutes=10)


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(self, notification_id: int) -> str:
    """Email one notification unless it was sent already or quiet hours hold it."""
    now = timezone.now()
    with transaction.atomic():
        note = (
            # of=("self",): PostgreSQL cannot lock the nullable side of the
            # outer join that select_related makes; only this row needs the lock.
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "user__profile")
            .filter(pk=notification_id)
            .first()
        )
        if note is None or note.email_status not in OWED:
            return "skipped"
        if note.email_not_before and note.email_not_before > now:
            return "not-yet"
        pref = notification_preference_for(note.user)
        until = quiet_until(now, note.user.profile.timezone, pref.quiet_start, pref.quiet_end)
        if until is not None:
            note.email_status = Notification.EmailStatus.DEFERRED
            note.email_not_before = until
            note.save(update_fields=["email_status", "email_not_before"])
            return "deferred"
        try:
            send_notification(note)
        except TRANSIENT_ERRORS:
            raise  # the row stays owed; Celery retries with backoff
        except Exception as exc:  # a permanent failure is recorded, not retried
            log.exception("notification email %s failed", notification_id)
            note.email_status = Notification.EmailStatus.FAILED
            note.email_error = str(exc)[:300]
            note.save(update_fields=["email_status", "email_error"])
            return "failed"
        note.email_status = Notification.EmailStatus.SENT
        note.emailed_at = timezone.now()
        note.save(update_fields=["email_status", "emailed_at"])
    return "sent"


@shared_task
def release_deferred_emails() -> int:
    """Queue the emails whose quiet hours have ended, and again those still
    owed long after their notification (their task was lost). The email task's
    status guard makes a second queueing harmless."""
    now = timezone.now()
    due = Notification.objects.filter(
        Q(email_status=Notification.EmailStatus.DEFERRED, email_not_before__lte=now)
        | Q(email_status=Notification.EmailStatus.PENDING, created_at__lte=now - STALE_AFTER)
    ).values_list("pk", flat=True)
    ids = list(due[:5000])
    for pk in ids:
        send_notification_email.delay(pk)
    return len(ids)
