"""The production processes of the ``Procfile``, started as it says, for fault tests."""

import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.faults.private import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def procfile_command(name: str) -> list[str]:
    """The Procfile line ``name``, its program taken from this virtualenv."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name:
            args = shlex.split(command)
            program = VENV_BIN / args[0]
            return [str(program) if program.exists() else args[0], *args[1:]]
    raise KeyError(name)


def session_cookie(user) -> str:
    """A ``Cookie`` header value that logs ``user`` in (a session in the database)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(
    base: str, cookie: str, page: str, action: str, data: dict, timeout: float = 30
) -> tuple[int, str, str]:
    """POST ``data`` to ``action`` with the CSRF token of a form on ``page``, as a
    browser would; returns the status, the redirect's target (not followed) and
    the cookie header to send next (with the notices Django set in a cookie)."""
    request = urllib.request.Request(f"{base}{page}", headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (loopback)
        html = response.read().decode()
        # Every Set-Cookie header: the language cookie may come before the CSRF one.
        set_cookies = "\n".join(response.headers.get_all("Set-Cookie") or [])
        csrf_cookie = re.search(r"csrftoken=([^;]+)", set_cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token and csrf_cookie, f"no form on {page}"
    request = urllib.request.Request(  # noqa: S310  (loopback)
        f"{base}{action}",
        data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode(),
        headers={"Cookie": f"{cookie}; csrftoken={csrf_cookie.group(1)}"},
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return response.status, "", cookie
    except urllib.error.HTTPError as error:
        set_cookies = [c.split(";", 1)[0] for c in error.headers.get_all("Set-Cookie") or []]
        return error.code, error.headers.get("Location", ""), "; ".join([cookie, *set_cookies])


def get(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (loopback)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Process:
    def __init__(self, name: str, env: dict, log_path: Path):
        self.name, self.env, self.log_path = name, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Process":
        self.proc = subprocess.Popen(
            procfile_command(self.name),
            cwd=ROOT,
            env=self.env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group (a prefork worker's children too)."""
        if self.alive():
            assert self.proc is not None
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.alive():
            assert self.proc is not None
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


def site_env(database_url: str, redis_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "connect.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "false",
        "CONNECT_LOG_LEVEL": "WARNING",
        "CONNECT_LOG_FORMAT": "json",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra,
    }


@contextlib.contextmanager
def web(env: dict, tmp_path: Path, workers: int = 1):
    """The Procfile's ``web`` process on a free port; yields (base URL, process)."""
    port = free_port()
    process = Process(
        "web", {**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}, tmp_path / "web.log"
    ).start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if not process.alive():
                raise RuntimeError(f"web exited: {process.log()}")
            with contextlib.suppress(OSError):
                if get(f"{base}/healthz/", timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"web did not answer: {process.log()}")
            time.sleep(0.2)
        yield base, process
    finally:
        process.stop()


def queue_on(broker_url: str, task, *args) -> None:
    """Queue ``task(*args)`` on the broker at ``broker_url`` (a private one),
    not on the one this test process is configured with."""
    from connect.celery import app

    with app.connection_for_write(broker_url) as connection:
        task.apply_async(args, connection=connection)
