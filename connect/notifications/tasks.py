"""Celery tasks of the email outbox (``outbox.py``): send, send in batches, requeue.

``outbox_send`` guarantees *at least once* delivery to the mail server and
makes a second hand-over as unlikely as SMTP allows:

1. one guarded UPDATE locks the outbox row and writes ``status = sent`` only
   if the email is still owed (a retried or duplicated task message finds it
   sent and does nothing);
2. that write stays inside the open transaction while the email is handed to
   the server, and the transaction commits straight away after. If the server
   refuses or the network fails, the exception rolls the row back and only
   transient errors are retried, with exponential backoff.

The only window in which a crash duplicates an email is between the server's
"250 accepted" reply and the COMMIT (one round trip to the database). A
worker killed there has its task redelivered (``acks_late``) and the email
goes out again, with the same Message-ID. A crash anywhere else either rolls
back (the email is sent later: never lost) or finds the row already sent
(never sent twice). The server's acceptance and our commit cannot be one
atomic step. Email preferences and quiet hours are checked here, once, for
every kind of email.
"""

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import timedelta

from celery import current_app, shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .enqueue import task_enqueue
from .models import NotificationPreference, OutboxEmail, OwedTask
from .outbox import is_transient, message_send, outbox_load, outbox_render
from .quiet_hours import quiet_until

log = logging.getLogger(__name__)

OWED = (OutboxEmail.Status.OWED, OutboxEmail.Status.DEFERRED)
# An owed email whose task never ran (the broker lost it, or was down at
# commit time) is queued again by the sweeper after this long.
STALE_AFTER = timedelta(seconds=settings.CONNECT_OUTBOX_STALE_SECONDS)
BATCH_SIZE = 50


class TransientEmailError(Exception):
    """Worth trying again later (network trouble, a 4xx reply)."""


def _guarded_update(email: OutboxEmail, **fields) -> bool:
    """Change the row only while its email is still owed (True if it was)."""
    return bool(OutboxEmail.objects.filter(pk=email.pk, status__in=OWED).update(**fields))


def _deliver(email: OutboxEmail, pref: NotificationPreference, row) -> str:
    """Send one prepared email under the guarantee (module doc)."""
    now = timezone.now()
    if email.not_before and email.not_before > now:
        return "not-yet"
    if email.kind not in pref.email_kinds or not email.user.is_active:
        _guarded_update(email, status=OutboxEmail.Status.DROPPED)
        return "not-wanted"
    tz_name = getattr(getattr(email.user, "profile", None), "timezone", "") or "UTC"
    until = quiet_until(now, tz_name, pref.quiet_start, pref.quiet_end)
    if until is not None:
        _guarded_update(email, status=OutboxEmail.Status.DEFERRED, not_before=until)
        return "deferred"
    message = outbox_render(email, row)
    if message is None:
        _guarded_update(email, status=OutboxEmail.Status.DROPPED)
        return "not-wanted"
    with transaction.atomic():
        # One statement takes the row lock, checks the guard and writes "sent"
        # before the hand-over; another worker holding the same email waits
        # here, then finds it sent and skips it.
        if not _guarded_update(email, status=OutboxEmail.Status.SENT, sent_at=now):
            return "skipped"
        try:
            message_send(message)
        except Exception as exc:
            if is_transient(exc):
                # Leaving the block rolls the "sent" write back; Celery retries.
                raise TransientEmailError(str(exc)) from exc
            log.error("email %s (%s %s) failed: %s", email.pk, email.source, email.source_id, exc)
            OutboxEmail.objects.filter(pk=email.pk).update(
                status=OutboxEmail.Status.FAILED, sent_at=None, error=str(exc)[:300]
            )
            return "failed"
    # Committed here, right after the server accepted.
    return "sent"


@contextmanager
def _commits_without_waiting_for_disk():
    """On PostgreSQL, COMMIT returns without waiting for the WAL flush: it
    shrinks the window between the server's "250" and the commit. If
    PostgreSQL itself crashed before the flush, the row would say "owed"
    again: a possible duplicate, never a lost email."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        if postgres and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _send_many(email_ids: list[int]) -> dict[str, int]:
    """Send the given emails, each under its own lock and commit, reading the
    rows, their people and preferences in a few queries for the whole batch."""
    emails = {
        e.pk: e
        for e in OutboxEmail.objects.filter(pk__in=email_ids, status__in=OWED).select_related(
            "user", "user__profile"
        )
    }
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            user_id__in={e.user_id for e in emails.values()}
        )
    }
    rows = outbox_load(emails.values())
    outcomes: dict[str, int] = {}
    with _commits_without_waiting_for_disk():
        for pk in email_ids:
            email = emails.get(pk)
            if email is None:
                outcome = "skipped"
            else:
                # No saved preferences yet means the defaults (read, not written).
                pref = prefs.get(email.user_id) or NotificationPreference(user=email.user)
                outcome = _deliver(email, pref, rows.get((email.source, email.source_id)))
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _send_one(email_id: int) -> str:
    return next(iter(_send_many([email_id])))


@shared_task(
    bind=True,
    autoretry_for=(TransientEmailError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def outbox_send(self, email_id: int) -> str:
    """Send one email, at most once per successful commit (see the module doc)."""
    return _send_one(email_id)


@shared_task(
    bind=True,
    autoretry_for=(TransientEmailError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def outbox_send_batch(self, email_ids: list[int]) -> dict[str, int]:
    """Send several emails over this worker's one SMTP connection.

    Each email keeps its own row lock and commit, so the guarantee is the
    one of ``outbox_send``, row by row. A transient error retries the whole
    batch; the rows already sent are skipped by their status.
    """
    return _send_many(list(email_ids))


def outbox_dispatch(email_ids: Iterable[int]) -> None:
    """Queue the given emails as tasks of up to BATCH_SIZE emails each.

    Never raises for an unreachable broker: the rows stay owed and the sweep
    queues them again once they are ``STALE_AFTER`` old, so the first refused
    chunk ends the attempt (the others would only wait for the same broker)."""
    ids = list(email_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        queued = (
            task_enqueue(outbox_send, chunk[0], owed=False)
            if len(chunk) == 1
            else task_enqueue(outbox_send_batch, chunk, owed=False)
        )
        if not queued:
            log.warning("%d emails left owed for the sweep", len(ids) - start)
            return


@shared_task
def outbox_requeue() -> int:
    """Queue emails whose quiet hours ended, and owed emails whose task was lost.
    The status guard makes extra queued copies harmless."""
    now = timezone.now()
    due = OutboxEmail.objects.filter(
        Q(status=OutboxEmail.Status.DEFERRED, not_before__lte=now)
        | Q(status=OutboxEmail.Status.OWED, created_at__lte=now - STALE_AFTER)
    ).order_by("pk")
    ids = list(due.values_list("pk", flat=True)[:5000])
    outbox_dispatch(ids)
    return len(ids)


@shared_task
def owed_tasks_requeue() -> int:
    """Queue again the tasks the broker could not take (``enqueue.py``), oldest
    first; each row is deleted once its task is queued. Stops at the first
    refusal: the broker is still away and the rows wait for the next sweep.

    A row without an error was written before its commit and is normally
    deleted right after it, once queued; it is due only when stale (its
    process died in between), like an owed email whose task was lost."""
    queued = 0
    due = Q(error__gt="") | Q(created_at__lte=timezone.now() - STALE_AFTER)
    with transaction.atomic():
        # Locked and skipped by a second sweep running at the same time, so
        # one row is queued once.
        owed_rows = OwedTask.objects.select_for_update(skip_locked=True).filter(due)
        for owed in owed_rows.order_by("pk")[:5000]:
            task = current_app.tasks.get(owed.task)
            if task is None:
                log.error("owed task %s names no task: %s; dropped", owed.pk, owed.task)
            elif not task_enqueue(task, *owed.args, owed=False):
                break
            else:
                queued += 1
            owed.delete()
    return queued
