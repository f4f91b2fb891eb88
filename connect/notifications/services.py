"""Writes: create notifications and queue emails in the outbox."""

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

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


def notification_texts(title, body) -> dict[str, dict[str, str]]:
    """``title`` and ``body`` rendered in each of the site's languages.

    Lazy text (``gettext_lazy``, ``ngettext_lazy``, ``format_lazy``, and
    ``connect.notifications.texts.local_datetime``) comes out in each
    language; a plain string is the same in all of them.
    """
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = {"title": str(title), "body": str(body)}
    return texts


def notify(user, kind: str, title, body="", url: str = "", email: bool = True):
    """Record an in-app notification and, if the person wants this kind by
    email, owe its email (sent after the surrounding transaction commits).

    Pass ``title`` and ``body`` as lazy text (``gettext_lazy``, ``format_lazy``…)
    so that the notice, and its email, read in the recipient's language, not
    in the language of whoever caused it (decision 0051).
    """
    texts = notification_texts(title, body)
    default = texts[settings.LANGUAGE_CODE]
    others = {code: text for code, text in texts.items() if text != default}
    note = Notification.objects.create(
        user=user,
        kind=kind,
        title=default["title"][:200],
        body=default["body"],
        texts=others,
        url=url,
    )
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


def notifications_rewrite(notifications, rewrite) -> int:
    """Apply ``rewrite`` (text -> text) to each notice's title and body in every
    language it is stored in (``title``/``body`` and each of ``texts``), saving
    those that change. Data erasure uses it: a name or a note must leave every
    language's copy. Returns how many notices changed."""
    changed = 0
    for n in notifications:
        title, body = rewrite(n.title), rewrite(n.body)
        texts = {
            language: {field: rewrite(value) for field, value in fields.items()}
            for language, fields in (n.texts or {}).items()
        }
        if (title, body, texts) != (n.title, n.body, n.texts):
            Notification.objects.filter(pk=n.pk).update(title=title[:200], body=body, texts=texts)
            changed += 1
    return changed
