"""Start real daphne processes on free loopback ports (benchmarks and tests).

Shared by ``bench/chat.py`` and the tests' ``tests/chat/servers.py`` (which
adds the test database's URL); benchmarks never import from ``tests/``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, proc: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port}: {log_path.read_text()[-2000:]}")


def _server_args(server: str, port: int) -> list[str]:
    if server == "daphne":
        return ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "connect.asgi:application"]
    if server == "uvicorn":
        return [
            "-m", "uvicorn", "connect.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--loop", "uvloop", "--http", "httptools",
            "--ws", "websockets", "--ws-per-message-deflate", "false",
            "--lifespan", "off", "--no-access-log",
        ]  # fmt: skip
    raise ValueError(f"unknown server {server!r}")


@contextlib.contextmanager
def daphne_servers(
    count: int,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    *,
    timeout: float = 60,
    profile: bool = False,
    server: str = "daphne",
) -> Iterator[list[str]]:
    """``count`` ASGI server processes serving ``connect.asgi``; yields "host:port" each.

    ``server`` is "daphne" (what ``runserver`` and the tests use) or "uvicorn"
    (what production runs under Gunicorn, decision 0040, with the settings of
    ``connect/core/asgi_worker.py``: uvloop, httptools, ``websockets``, no
    WebSocket compression).

    The children get this process's environment plus ``env``; each writes its
    output to ``log_dir/daphne-<i>.log``. They are terminated (then killed) on exit.
    With ``profile``, each runs under pyinstrument and writes its profile to
    ``log_dir/daphne-<i>.profile.txt`` when stopped (by SIGINT).
    """
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "connect.settings",
        "CONNECT_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    procs: list[tuple[subprocess.Popen, int, Path]] = []
    try:
        for i in range(count):
            port = free_port()
            log = log_dir / f"daphne-{i}.log"
            wrap = ["-m", "pyinstrument", "-o", str(log_dir / f"daphne-{i}.profile.txt")]
            proc = subprocess.Popen(
                [sys.executable, *(wrap if profile else []), *_server_args(server, port)],
                cwd=ROOT,
                env=child_env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            procs.append((proc, port, log))
        for proc, port, log in procs:
            _wait_for(port, proc, log, timeout)
        yield [f"127.0.0.1:{port}" for _, port, _ in procs]
    finally:
        for proc, _, _ in procs:
            # pyinstrument writes its report on SIGINT; daphne stops on either.
            proc.send_signal(signal.SIGINT if profile else signal.SIGTERM)
        for proc, _, _ in procs:
            try:
                proc.wait(timeout=60 if profile else 10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
