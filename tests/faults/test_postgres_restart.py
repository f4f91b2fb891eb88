"""PostgreSQL restarted under load: calm 503 pages for a few seconds, then the
same web process serves again (its pool replaces the dead connections).

A private PostgreSQL cluster (a copy of the test database) is stopped and
started; the shared server is never touched.
"""

import threading
import time

import pytest

from tests.chat.servers import test_database_url as server_database_url
from tests.factories import OnboardedUserFactory
from tests.faults.private import PrivatePostgres
from tests.faults.stack import get, session_cookie, site_env, web

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CALM = "We'll be back in a moment"


@pytest.fixture
def private_postgres():
    server = PrivatePostgres().init()
    yield server
    server.close()


def test_postgres_restart_under_load_gives_calm_503s_then_recovers(tmp_path, private_postgres):
    person = OnboardedUserFactory()
    cookie = {"Cookie": session_cookie(person)}
    database_url = private_postgres.copy_database(server_database_url())
    env = site_env(
        database_url,
        "",
        CONNECT_VAR_DIR=str(tmp_path / "var"),
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="4",
        DATABASE_POOL_TIMEOUT="2",
    )
    results: list[tuple[float, int, str]] = []
    stop = threading.Event()

    def load(base):
        while not stop.is_set():
            try:
                status, body = get(f"{base}/dashboard/", headers=cookie, timeout=15)
            except OSError as error:  # the connection itself failed: count it
                status, body = -1, repr(error)
            results.append((time.monotonic(), status, body))

    with web(env, tmp_path) as (base, process):
        pid = process.pid
        assert get(f"{base}/dashboard/", headers=cookie)[0] == 200
        threads = [threading.Thread(target=load, args=(base,)) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(2)
            private_postgres.stop("fast")
            stopped_at = time.monotonic()
            time.sleep(5)
            private_postgres.start()
            started_at = time.monotonic()
            # Served again by the same process, without restarting anything.
            deadline = started_at + 30
            while time.monotonic() < deadline:
                recent = [s for when, s, _ in results if when > time.monotonic() - 1]
                if recent and all(s == 200 for s in recent):
                    break
                time.sleep(0.2)
            recovered_at = time.monotonic()
            time.sleep(2)
        finally:
            stop.set()
            for t in threads:
                t.join(20)
        assert process.alive() and process.pid == pid

    statuses = [s for _, s, _ in results]
    failures = [(s, body[:300]) for _, s, body in results if s not in (200, 503)]
    assert not failures, failures  # never a 500, never a dropped connection
    calm = [body for _, s, body in results if s == 503]
    assert calm, "the outage was not seen"
    assert all(CALM in body and "Need help now" in body for body in calm)
    during = [s for when, s, _ in results if stopped_at + 1 < when < started_at]
    assert during and set(during) == {503}
    after = [s for when, s, _ in results if when > recovered_at]
    assert after and set(after) == {200}
    print(
        f"requests {len(statuses)}: 200 × {statuses.count(200)}, 503 × {len(calm)}; "
        f"served again {recovered_at - started_at:.1f} s after PostgreSQL was back"
    )
