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
