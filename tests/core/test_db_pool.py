"""PostgreSQL connections stay bounded under concurrent load.

Sync views under ASGI run in a thread per request; without a pool every such
thread opened (and kept) its own connection until PostgreSQL refused
clients. The site now takes connections from a psycopg pool per process, so
one server process never holds more than ``DATABASE_POOL_MAX_SIZE``, requests
beyond that wait for a free one, and every connection goes back to the pool.
"""

import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.chat.servers import daphne_servers
from tests.chat.servers import test_database_url as server_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Unique per run: the count is taken across the whole PostgreSQL server, and
# another run's servers on it must not be counted as this one's.
APP_NAME = f"connect-pool-test-{uuid.uuid4().hex[:12]}"
POOL_MAX = 3


def _server_connections(dsn: str) -> list[str]:
    """States of the connections the server under test holds now."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT state FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        ).fetchall()
    return [row[0] for row in rows]


def test_concurrent_requests_beyond_the_pool_all_succeed_within_the_bound(tmp_path):
    database_url = server_database_url()
    observer_dsn = database_url.replace("postgres://", "postgresql://", 1)
    env = {
        "DATABASE_URL": f"{database_url}?application_name={APP_NAME}",
        "DATABASE_POOL_MAX_SIZE": str(POOL_MAX),
        "DATABASE_POOL_MIN_SIZE": "1",
        "DJANGO_DEBUG": "false",
    }
    with daphne_servers(1, tmp_path, env=env) as (host,):
        url = f"http://{host}/healthz/"
        peak = 0
        stop = threading.Event()

        def watch():
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, len(_server_connections(observer_dsn)))
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()

        def fetch(_):
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
                return response.status

        try:
            # Ten times more concurrent requests than pool slots.
            with ThreadPoolExecutor(max_workers=10 * POOL_MAX) as pool:
                statuses = list(pool.map(fetch, range(300)))
        finally:
            stop.set()
            watcher.join()

        assert statuses == [200] * 300
        # The bound is the point: more connections at once than the pool's size
        # fails here (as it did before the pool: one per request thread).
        assert peak > 0, "the watcher never saw the server's connections"
        assert peak <= POOL_MAX, f"{peak} connections at once; the pool allows {POOL_MAX}"
        # Nothing leaked: every connection is back in the pool, idle.
        time.sleep(0.5)
        states = _server_connections(observer_dsn)
        assert len(states) <= POOL_MAX
        assert set(states) <= {"idle"}
