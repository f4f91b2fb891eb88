"""Community-health page timing on a year of Connect at scale (PostgreSQL).

    python bench/insights.py [--requests 60] [--people 10000] [--reseed]

Uses the PostgreSQL database ``BENCH_DATABASE_URL`` (default
postgres://postgres:postgres@127.0.0.1:5432/connect_insights_bench): creates it
if missing, migrates it, and fills it with ``manage.py seed_scale`` (10,000
people, 1,500 circles, a year of meetups, 200,000 chat messages…) unless it
already holds that data (``--reseed`` drops and rebuilds it). Then, in this
process through Django's test client (middleware, views, templates; no
network), a moderator opens the page ``--requests`` times, cycling through
filter combinations (every period, both modes, a city), after one warm-up per
combination. It prints the percentiles and the number of queries per page;
the last line is JSON with ``p50_ms``, ``p95_ms`` and ``queries``.

Those figures are with every figure computed on every request
(``CONNECT_INSIGHTS_CACHE_SECONDS=0``); ``warm_p50_ms`` and ``warm_p95_ms``
repeat the run with the page's default five-minute cache of the figures.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/connect_insights_bench"
)
FILTERS = [
    "",
    "?weeks=4",
    "?weeks=12&mode=in_person",
    "?weeks=52",
    "?weeks=26&mode=virtual",
    "?weeks=26&mode=in_person&city=London",
]


def manage(*args: str) -> None:
    env = {**os.environ, "DATABASE_URL": DB_URL, "DJANGO_SETTINGS_MODULE": "connect.settings"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env)


def ensure_database(reseed: bool, people: int) -> float | None:
    """Create, migrate and seed the bench database as needed; the seeding seconds."""
    import psycopg

    url = urlparse(DB_URL)
    name = url.path.lstrip("/")
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--verbosity", "0")
    with psycopg.connect(DB_URL) as conn:
        seeded = conn.execute(
            "SELECT count(*) FROM accounts_user WHERE email LIKE %s", ["%@scale.example"]
        ).fetchone()[0]
    if seeded:
        return None
    started = time.perf_counter()
    manage("seed_scale", "--people", str(people))
    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return time.perf_counter() - started


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank) of sorted times."""
    return statistics.median(times), times[max(0, math.ceil(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    seed_seconds = ensure_database(args.reseed, args.people)

    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    assert connection.vendor == "postgresql", "bench/insights.py measures PostgreSQL"
    moderator = User.objects.get(email="moderator@scale.example")
    client = Client(HTTP_HOST="localhost")
    client.force_login(moderator)
    for query in FILTERS:  # warm-up: connections, templates, PostgreSQL's caches
        assert client.get("/insights/" + query).status_code == 200

    def run(cache_seconds: int) -> tuple[list[float], set[int]]:
        settings.CONNECT_INSIGHTS_CACHE_SECONDS = cache_seconds
        cache.clear()
        times, queries = [], set()
        for i in range(args.requests):
            url = "/insights/" + FILTERS[i % len(FILTERS)]
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            queries.add(len(ctx.captured_queries))
        times.sort()
        return times, queries

    times, queries = run(0)
    warm, _ = run(300)
    p50, p95 = percentiles(times)
    warm50, warm95 = percentiles(warm)
    counts = {
        "people": User.objects.filter(email__endswith="@scale.example").count(),
        "requests": len(times),
    }
    print(f"community-health page, {counts['requests']} requests over {len(FILTERS)} filters")
    print(f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   max {times[-1]:.0f} ms")
    print(f"  queries per page: {sorted(queries)}")
    print(f"  with the figures cached: p50 {warm50:.0f} ms   p95 {warm95:.0f} ms")
    print(f"  load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if seed_seconds is not None:
        print(f"  seed_scale took {seed_seconds:.0f} s")
    result = {
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(times[-1], 1),
        "queries": max(queries),
        "warm_p50_ms": round(warm50, 1),
        "warm_p95_ms": round(warm95, 1),
        "requests": len(times),
        "people": counts["people"],
        "seed_seconds": None if seed_seconds is None else round(seed_seconds, 1),
        "load_average": round(os.getloadavg()[0], 1),  # this machine is shared: context
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
