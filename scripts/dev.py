#!/usr/bin/env python3
"""Set up and run the whole Connect site on this machine with only Python.

    python3 scripts/dev.py

Creates ``.venv`` with the pinned requirements, migrates the database
(SQLite by default), loads the demo data, then runs three processes until
Ctrl-C: the web server (Daphne through ``runserver``: HTTP and WebSockets) on
http://127.0.0.1:8000, a Celery worker, and Celery beat. Settings come from
the environment (see the README's configuration table); with none set,
nothing but Python is needed.
"""

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("CONNECT_VENV", ROOT / ".venv"))
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".connect-requirements.sha256"
ADDRESS = os.environ.get("CONNECT_ADDRESS", "127.0.0.1:8000")


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def ensure_virtualenv() -> None:
    """Create the virtualenv and install requirements when they changed."""
    if not PYTHON.exists():
        step(f"Creating a virtualenv in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    # requirements.txt includes requirements-matching.txt: both decide the stamp.
    files = ("requirements.txt", "requirements-matching.txt")
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        step("Installing the pinned requirements")
        subprocess.check_call(
            [str(PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            + ["-r", str(ROOT / "requirements.txt")]
        )
        STAMP.write_text(digest)


def manage(*args: str) -> None:
    subprocess.check_call(
        [str(PYTHON), str(ROOT / "manage.py"), *args], cwd=ROOT, env=site_environment(ADDRESS)
    )


def site_environment(address: str, environ=None) -> dict:
    """The environment for the three processes: links in emails and calendar
    feeds point at the address served, unless CONNECT_SITE_URL says otherwise."""
    env = dict(os.environ if environ is None else environ)
    dotenv = ROOT / ".env"
    in_dotenv = dotenv.exists() and any(
        line.strip().startswith("CONNECT_SITE_URL=") for line in dotenv.read_text().splitlines()
    )
    if not in_dotenv:
        env.setdefault("CONNECT_SITE_URL", f"http://{address}")
    return env


def wait_until_listening(address: str, process, timeout: float = 120.0) -> bool:
    """True once something accepts connections on ``address``; False if
    ``process`` exits first or ``timeout`` seconds pass."""
    host, _, port = address.rpartition(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def run_site() -> int:
    """Start web, worker and beat; stop them all when one stops or on Ctrl-C."""
    celery = [str(PYTHON), "-m", "celery", "-A", "connect.celery"]
    commands = {
        "web": [str(PYTHON), str(ROOT / "manage.py"), "runserver", ADDRESS, "--noreload"],
        "worker": celery
        + ["worker", "-l", "INFO", "-P", "solo", "--without-gossip"]
        + ["--without-mingle", "--without-heartbeat"],
        "beat": celery
        + ["beat", "-l", "INFO", "-S", "django_celery_beat.schedulers:DatabaseScheduler"],
    }
    env = site_environment(ADDRESS)
    processes = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in commands.items()}
    if wait_until_listening(ADDRESS, processes["web"]):
        step(f"Connect is running on http://{ADDRESS}/ (Ctrl-C stops it)")

    def stop(*_):
        for proc in processes.values():
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(proc.poll() is None for proc in processes.values()):
            time.sleep(0.5)
        for name, proc in processes.items():
            if proc.poll() is not None:
                print(f"{name} stopped (exit {proc.returncode}); stopping the others.")
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for proc in processes.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036  (run by any python3 before the venv exists)
        sys.exit("Connect needs Python 3.11 or newer.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")
    ensure_virtualenv()
    step("Migrating the database")
    manage("migrate", "--noinput")
    step("Loading demo data (and, the first time, a first matching round)")
    manage("seed_demo")
    return run_site()


if __name__ == "__main__":
    sys.exit(main())
