"""Queueing Celery tasks so that an unreachable broker neither fails the page
that asked for the work nor loses it (docs/decisions/0065-queueing-without-the-broker.md).

Every task a service queues goes through ``task_enqueue_on_commit`` (or
``task_enqueue`` when the caller already runs after the commit, as a signal
receiver sent on commit does). The publish is tried once more at most, with
the short broker timeouts of the settings, so a page waits a few seconds at
worst. If the broker does not take it:

- the failure is logged, never raised into the response (the change it
  follows has committed already);
- the call is kept as an ``OwedTask`` row, which the periodic sweep queues
  again once the broker is back; a caller whose work is already owed by its
  own rows (the outbox's emails) passes ``owed=False``;
- the current request is told (``delays_recorded``), so the page can say that
  some emails or updates will be late.

``task_enqueue_on_commit`` writes its row inside the transaction, before the
commit, and deletes it once the broker has the task: a process that dies
between the commit and the publish loses nothing either, because the sweep
queues a row nobody deleted once it is stale (tasks are idempotent, so the
rare second run is harmless).
"""

import contextlib
import contextvars
import logging
from collections.abc import Iterator

from celery import Task
from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError

from .models import OwedTask

log = logging.getLogger(__name__)

# The errors of a broker that cannot be reached: kombu re-raises the
# transport's connection errors as OperationalError; a socket that fails
# before kombu wraps it is an OSError.
BROKER_UNREACHABLE = (OperationalError, OSError)
# One more try after a short pause, not Celery's default of three (each of
# which may wait for the connect timeout): a page must not hang on the broker.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0,
    "interval_max": 0.2,
}

_delays: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "connect_task_delays", default=None
)


def _publish(task: Task, args: tuple) -> str:
    """Queue ``task(*args)`` now: "" when the broker took it, else why not
    (logged, and told to the current request)."""
    try:
        task.apply_async(args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except BROKER_UNREACHABLE as exc:
        log.warning("broker unreachable; %s%r left for the sweep: %s", task.name, args, exc)
        delays = _delays.get()
        if delays is not None:
            delays.append(task.name)
        return str(exc)[:300] or exc.__class__.__name__
    return ""


def task_enqueue(task: Task, *args, owed: bool = True) -> bool:
    """Queue ``task(*args)`` now; False when the broker did not take it (then
    the call is logged and, if ``owed``, kept as an ``OwedTask`` for the sweep)."""
    error = _publish(task, args)
    if error and owed:
        OwedTask.objects.create(task=task.name, args=list(args), error=error)
    return not error


def task_enqueue_on_commit(task: Task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits (never raising).

    The call is written down in the transaction itself and crossed out once
    the broker has it, so it survives a process that dies right after the
    commit."""
    owed = OwedTask.objects.create(task=task.name, args=list(args))

    def publish() -> None:
        error = _publish(task, args)
        try:
            rows = OwedTask.objects.filter(pk=owed.pk)
            if error:
                rows.update(error=error)  # due at the next sweep
            else:
                rows.delete()
        except DatabaseError:
            # The row stays: the sweep queues it once stale (a second run at worst).
            log.exception("could not settle owed task %s (%s)", owed.pk, task.name)

    transaction.on_commit(publish)


@contextlib.contextmanager
def delays_recorded() -> Iterator[list[str]]:
    """Collect the names of tasks left for the sweep while the block runs."""
    delays: list[str] = []
    token = _delays.set(delays)
    try:
        yield delays
    finally:
        _delays.reset(token)
