"""Writes: create notifications and queue emails in the outbox."""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Notification, OutboxEmail
from .selectors import notification_preference_for
from .tasks import outbox_dispatch


def _wants_email(user, kind: str) -> bool:
    return user.is_active and kind in notification_preference_for(user).email_kinds


def emails_enqueue(items: Iterable[tuple]) -> list[OutboxEmail]:
    """Owe one email per ``(user, kind, source, source_id)`` the person wants by
    email, and queue their sending after the surrounding transaction commits.

    The outbox renders each email from its source when it is sent (outbox.py)
    and checks preferences and quiet hours again then.
    """
    emails = [
        OutboxEmail(user=user, kind=kind, source=source, source_id=source_id)
        for user, kind, source, source_id in items
        if _wants_email(user, kind)
    ]
    if not emails:
        return []
    created = OutboxEmail.objects.bulk_create(emails)
    transaction.on_commit(partial(outbox_dispatch, [e.pk for e in created]))
    return created


def notify(user, kind: str, title: str, body: str = "", url: str = "", email: bool = True):
    """Record an in-app notification and, if the person wants this kind by
    email, owe its email (sent after the surrounding transaction commits)."""
    note = Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)
    if email:
        emails_enqueue([(user, kind, "notification", note.pk)])
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
