"""Start real daphne processes for integration and browser tests, on the
database this test run uses (the start-up itself is ``bench/servers.py``)."""

import contextlib
from pathlib import Path

from django.db import connection

from bench.servers import daphne_servers as _daphne_servers
from bench.servers import free_port

__all__ = ["daphne_servers", "free_port", "test_database_url"]


def test_database_url() -> str:
    """A DATABASE_URL for the database this test run uses (``test_<name>``)."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
    return f"sqlite:///{s['NAME']}"


@contextlib.contextmanager
def daphne_servers(count: int, tmp_path: Path, env: dict | None = None):
    """``count`` daphne processes on free loopback ports; yields "host:port" each."""
    with _daphne_servers(
        count, tmp_path, {"DATABASE_URL": test_database_url(), **(env or {})}, timeout=90
    ) as hosts:
        yield hosts
