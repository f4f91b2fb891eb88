"""Private Redis and PostgreSQL servers the fault tests may stop and restart.

The shared servers on 6379 and 5432 are never touched: each test starts its
own ``redis-server`` and its own PostgreSQL cluster (``initdb`` + ``pg_ctl`` of
Debian's PostgreSQL, as the ``postgres`` user when run as root) on free loopback
ports in a temporary folder, and removes them afterwards (``CONNECT_PG_BIN``
names PostgreSQL's ``bin`` folder if it is not Debian's).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _pg_bin() -> Path:
    """PostgreSQL's server programs: $CONNECT_PG_BIN, else Debian's newest version."""
    if os.environ.get("CONNECT_PG_BIN"):
        return Path(os.environ["CONNECT_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


class PrivateRedis:
    """``redis-server`` on a free port, no persistence; ``stop()``/``start()`` at will."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="connect-redis-"))
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],  # fmt: skip
            stdout=(self.dir / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while not _listening(self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("private redis-server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePostgres:
    """A PostgreSQL cluster of its own on a free port (trust auth, no fsync)."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="connect-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, cwd=self.dir)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> "PrivatePostgres":
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")  # fmt: skip
        return self.start()

    def start(self) -> "PrivatePostgres":
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.log), "-w", "start")  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def copy_database(self, source_url: str, name: str = "connect") -> str:
        """A copy (schema and rows) of ``source_url``'s database here; returns its URL."""
        import psycopg

        with psycopg.connect(
            self.url().replace("postgres://", "postgresql://"), autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')  # noqa: S608  (our own fixed name)
        dump = subprocess.run(
            [
                str(PG_BIN / "pg_dump"),
                "--no-owner",
                "--no-privileges",
                source_url.replace("postgres://", "postgresql://"),
            ],  # fmt: skip
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                self.url(name).replace("postgres://", "postgresql://"),
            ],  # fmt: skip
            input=dump,
            check=True,
            capture_output=True,
        )
        return self.url(name)

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
