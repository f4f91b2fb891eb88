"""The deep health check's probes: the database, Redis, the Celery broker and
a worker's heartbeat (a beat job every ``CONNECT_HEARTBEAT_INTERVAL`` seconds
that a worker runs: it proves beat, the broker and a worker are all alive).

Each probe returns ``None`` when healthy or a short reason (never a trace or a
secret: the endpoint is public, for load balancers).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

HEARTBEAT_KEY = "worker:heartbeat"


def heartbeat_write(now: float | None = None) -> None:
    cache.set(HEARTBEAT_KEY, time.time() if now is None else now, timeout=None)


def heartbeat_age() -> float | None:
    """Seconds since a worker last ran the heartbeat job; None if never (or unknown)."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else max(0.0, time.time() - float(beat))


def probe_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001  (any failure is the answer)
        return f"unreachable ({type(error).__name__})"
    return None


def probe_redis() -> str | None:
    if not settings.REDIS_URL:
        return None  # not configured: the file cache and in-memory layer need no probe
    from django_redis import get_redis_connection

    try:
        get_redis_connection("default").ping()
    except Exception as error:  # noqa: BLE001
        return f"unreachable ({type(error).__name__})"
    return None


def probe_broker() -> str | None:
    from connect.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
    except Exception as error:  # noqa: BLE001
        return f"unreachable ({type(error).__name__})"
    return None


def probe_worker() -> str | None:
    age = heartbeat_age()
    stale_after = 3 * settings.CONNECT_HEARTBEAT_INTERVAL
    if age is None:
        return "no heartbeat yet"
    if age > stale_after:
        return f"stale: last heartbeat {age:.0f} s ago (more than {stale_after:.0f} s)"
    return None


PROBES = {
    "database": probe_database,
    "redis": probe_redis,
    "broker": probe_broker,
    "worker": probe_worker,
}


def health_report() -> tuple[bool, dict[str, str]]:
    """(all healthy, {probe: "ok" or reason})."""
    checks = {name: probe() or "ok" for name, probe in PROBES.items()}
    return all(v == "ok" for v in checks.values()), checks
