"""Celery tasks: invitation emails, expiry, and the matching round.

``send_invitation_email`` guarantees *at least once* delivery to the mail
server and makes a second hand-over as unlikely as SMTP allows:

1. it locks the invitation row and returns at once unless the email is still
   owed (so a retried or duplicated task message never sends again);
2. it writes ``email_status = sent`` inside the open transaction *before*
   talking to the server, then sends, then commits straight away. If the
   server refuses or the network fails, the exception rolls the row back and
   only transient errors are retried, with exponential backoff.

The only window in which a crash duplicates an email is between the server's
"250 accepted" reply and the COMMIT (one round trip to the database). A
worker killed there has its task redelivered (``acks_late``) and the email
goes out again, with the same deterministic Message-ID. A crash anywhere
else either rolls back (the email is sent later: never lost) or finds the
row already sent (never sent twice). No SMTP client can do better: the
server's acceptance and our commit cannot be one atomic step.
"""

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from connect.notifications.models import Kind
from connect.notifications.quiet_hours import quiet_until
from connect.notifications.selectors import notification_preference_for

from .emails import build_message, send_message
from .models import Invitation

log = logging.getLogger(__name__)

OWED = (Invitation.EmailStatus.OWED, Invitation.EmailStatus.DEFERRED)
STALE_AFTER = timedelta(minutes=10)


class TransientEmailError(Exception):
    """Worth trying again later (network trouble, a 4xx reply)."""


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(
        exc,
        smtplib.SMTPServerDisconnected
        | smtplib.SMTPConnectError
        | ConnectionError
        | TimeoutError
        | OSError,
    )


@shared_task(
    bind=True,
    autoretry_for=(TransientEmailError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_invitation_email(self, invitation_id: int) -> str:
    """Email one invitation, at most once per successful commit (see module doc)."""
    now = timezone.now()
    with transaction.atomic():
        inv = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user", "user__profile", "circle")
            .filter(pk=invitation_id)
            .first()
        )
        if inv is None or inv.email_status not in OWED:
            return "skipped"
        if inv.status != Invitation.Status.PENDING or inv.expires_at <= now:
            inv.email_status = Invitation.EmailStatus.NONE
            inv.save(update_fields=["email_status"])
            return "not-pending"
        pref = notification_preference_for(inv.user)
        if Kind.INVITATION not in pref.email_kinds or not inv.user.is_active:
            inv.email_status = Invitation.EmailStatus.NONE
            inv.save(update_fields=["email_status"])
            return "not-wanted"
        until = quiet_until(now, inv.user.profile.timezone, pref.quiet_start, pref.quiet_end)
        if until is not None:
            inv.email_status = Invitation.EmailStatus.DEFERRED
            inv.email_not_before = until
            inv.save(update_fields=["email_status", "email_not_before"])
            return "deferred"
        message = build_message(inv)
        if connection.vendor == "postgresql":
            # Shrinks the crash window below: COMMIT returns without waiting for
            # the WAL flush. If PostgreSQL itself crashed before the flush, the row
            # would say "owed" again: a possible duplicate, never a lost email.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        # Written before sending and committed right after the server accepts.
        inv.email_status = Invitation.EmailStatus.SENT
        inv.emailed_at = now
        inv.save(update_fields=["email_status", "emailed_at"])
        try:
            send_message(message)
        except Exception as exc:
            if _is_transient(exc):
                # Leaving the block rolls the "sent" write back; Celery retries.
                raise TransientEmailError(str(exc)) from exc
            log.error("invitation email %s failed: %s", invitation_id, exc)
            inv.email_status = Invitation.EmailStatus.FAILED
            inv.emailed_at = None
            inv.email_error = str(exc)[:300]
            inv.save(update_fields=["email_status", "emailed_at", "email_error"])
            return "failed"
    return "sent"


@shared_task
def requeue_invitation_emails() -> int:
    """Queue emails whose quiet hours ended, and owed emails whose task was lost
    (e.g. the broker was down at commit time). The status guard makes extra
    queued copies harmless."""
    now = timezone.now()
    due = Invitation.objects.filter(status=Invitation.Status.PENDING, expires_at__gt=now).filter(
        Q(email_status=Invitation.EmailStatus.DEFERRED, email_not_before__lte=now)
        | Q(email_status=Invitation.EmailStatus.OWED, created_at__lte=now - STALE_AFTER)
    )
    ids = list(due.values_list("pk", flat=True)[:5000])
    for pk in ids:
        send_invitation_email.delay(pk)
    return len(ids)


@shared_task
def expire_invitations() -> int:
    """Expire invitations past their time and dissolve circles that cannot start."""
    from .services.invitations import invitations_expire

    return invitations_expire()


@shared_task
def run_match_round() -> dict:
    """The periodic matching round (a no-op if another round holds the lock).
    With more than one worker process its buckets go out as a chord
    (``rounds.round_fan_out``); otherwise it runs here, in one go."""
    from .rounds import RoundBusy, matching_workers, round_fan_out, run_round

    try:
        if matching_workers() > 1:
            return {"status": "fanned out", "jobs": round_fan_out()}
        record = run_round()
    except RoundBusy:
        return {"status": "busy"}
    return {"round": record.pk if record else None}


@shared_task(ignore_result=False)
def solve_matching_bucket(index: int, job: dict) -> dict:
    """One bucket of a round fanned out to the workers (pure computation: the
    answer is the chord's, and a repeated delivery computes the same)."""
    from .engine import json

    return {"index": index, "circles": json.solve_json(job)}


@shared_task(bind=True, max_retries=20)
def finish_match_round(self, answers: list, snapshot: dict) -> dict:
    """The chord's body: merge the buckets' answers and write the round in one
    transaction (waits and retries while another round holds the lock)."""
    from .rounds import RoundBusy, round_finish

    try:
        record = round_finish(answers, snapshot)
    except RoundBusy as exc:
        raise self.retry(exc=exc, countdown=30) from exc
    return {"round": record.pk}
