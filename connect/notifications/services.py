"""Writes: create notifications and queue emails in the outbox."""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Notification, NotificationPreference, OutboxEmail
from .tasks import outbox_dispatch


def emails_enqueue(items: Iterable[tuple]) -> list[OutboxEmail]:
    """Owe one email per ``(user, kind, source, source_id)`` the person wants by
    email, and queue their sending after the surrounding transaction commits.

    The outbox renders each email from its source when it is sent (outbox.py)
    and checks preferences and quiet hours again then.
    """
    items = list(items)
    # One read for everyone; people without saved preferences get the defaults
    # (read, not written), as the sending task does.
    kinds = dict(
        NotificationPreference.objects.filter(
            user_id__in={user.pk for user, *_ in items}
        ).values_list("user_id", "email_kinds")
    )
    default = NotificationPreference().email_kinds
    emails = [
        OutboxEmail(user=user, kind=kind, source=source, source_id=source_id)
        for user, kind, source, source_id in items
        if user.is_active and kind in kinds.get(user.pk, default)
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
