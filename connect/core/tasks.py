"""Site-wide periodic jobs."""

from celery import shared_task

from .health import heartbeat_write


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Beat queues it, a worker runs it: the deep health check reads the time."""
    heartbeat_write()
