"""Writes: create notifications and queue their emails."""

from django.db import transaction
from django.utils import timezone

from .models import Notification
from .selectors import notification_preference_for
from .tasks import send_notification_email


def notify(user, kind: str, title: str, body: str = "", url: str = "", email: bool = True):
    """Record an in-app notification and, if the person wants this kind by
    email, queue the email after the surrounding transaction commits."""
    wants_email = email and kind in notification_preference_for(user).email_kinds and user.is_active
    note = Notification.objects.create(
        user=user,
        kind=kind,
        title=title,
        body=body,
        url=url,
        email_status=(
            Notification.EmailStatus.PENDING if wants_email else Notification.EmailStatus.NONE
        ),
    )
    if wants_email:
        transaction.on_commit(lambda: send_notification_email.delay(note.pk))
    return note


def notifications_mark_read(user, notification_ids=None, *, kind: str = "", url: str = "") -> int:
    """Mark some (or all) of ``user``'s unread notifications read: those with
    the given ids, or of one kind pointing at one page (an answered invitation)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    if kind:
        qs = qs.filter(kind=kind)
    if url:
        qs = qs.filter(url=url)
    return qs.update(read_at=timezone.now())
