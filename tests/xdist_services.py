"""Gives each pytest-xdist worker its own Redis database, before Django's
settings are read.

Loaded with ``-p tests.xdist_services`` (pyproject's addopts), so it runs before
pytest-django imports the settings, and xdist has already named the worker
(``PYTEST_XDIST_WORKER``). PostgreSQL needs nothing here: pytest-django gives
each worker its own test database (``test_connect_gw0``…). Redis has no such
thing, and the broker, the cache, the channel layer and the real Celery
workers that the second pass starts all follow ``REDIS_URL``: worker N uses
database base + N, so one worker's Celery process never takes another's tasks
and one test's FLUSHDB never empties another's queue."""

import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _url:
    _index = int(_worker[2:])
    _match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", _url)
    if _match is None:
        raise RuntimeError(f"REDIS_URL must look like redis://host:port/N, not {_url!r}")
    _base = int(_match.group(2) or 0)
    os.environ["REDIS_URL"] = f"{_match.group(1)}/{_base + _index}"
