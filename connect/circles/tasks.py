"""Celery tasks: invitation expiry and the matching round.

Invitation emails go through the notifications outbox (``outbox_send``), like
every other email.
"""

from celery import shared_task


@shared_task
def expire_invitations() -> int:
    """Expire invitations past their time and dissolve circles that cannot start."""
    from .services.invitations import invitations_expire

    return invitations_expire()


@shared_task
def run_match_round() -> dict:
    """The periodic matching round (a no-op if another round holds the lock)."""
    from .rounds import RoundBusy, run_round

    try:
        record = run_round()
    except RoundBusy:
        return {"status": "busy"}
    return {"round": record.pk if record else None}
