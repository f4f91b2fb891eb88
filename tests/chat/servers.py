"""Start real daphne processes for integration and browser tests."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    """A DATABASE_URL for the database this test run uses (``test_<name>``)."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
    return f"sqlite:///{s['NAME']}"


def _wait_for(port: int, proc, log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne exited: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on {port}: {log_path.read_text()[-2000:]}")


@contextlib.contextmanager
def daphne_servers(count: int, tmp_path: Path, env: dict | None = None):
    """``count`` daphne processes on free loopback ports; yields their base URLs."""
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "connect.settings",
        "DATABASE_URL": test_database_url(),
        "CONNECT_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    procs = []
    try:
        for i in range(count):
            port = free_port()
            log = tmp_path / f"daphne-{i}.log"
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "connect.asgi:application",
                ],
                cwd=ROOT,
                env=child_env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            procs.append((proc, port, log))
        for proc, port, log in procs:
            _wait_for(port, proc, log)
        yield [f"127.0.0.1:{port}" for _, port, _ in procs]
    finally:
        for proc, _, _ in procs:
            proc.terminate()
        for proc, _, _ in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
