"""A real Celery worker and a local SMTP sink, for tests and the benchmark.

The sink (aiosmtpd in a thread) records every message it accepts with its
Message-ID, so duplicates and missing emails can be counted exactly.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """Accepts every message; ``ids`` counts Message-IDs received."""

    def __init__(self):
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every line

        self.ids: Counter = Counter()
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        msg = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.ids[msg["Message-ID"]] += 1
        return "250 OK"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.ids.values())

    def snapshot(self) -> Counter:
        with self.lock:
            return Counter(self.ids)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def database_url(settings_dict) -> str:
    """A URL for the database this process uses (pytest's ``test_…`` one)."""
    s = settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:"
        f"{s.get('PORT') or 5432}/{s['NAME']}"
    )


class Worker:
    """``celery -A connect.celery worker -P solo`` as a subprocess."""

    def __init__(self, database_url: str, redis_url: str, smtp_port: int, log_path=None):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "CELERY_VISIBILITY_TIMEOUT": "5",  # a killed task comes back in seconds
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CONNECT_LOG_LEVEL": "WARNING",
        }
        self.env.pop("EMAIL_BACKEND", None)
        self.log_path = log_path
        self.proc = None

    def start(self):
        log = open(self.log_path or os.devnull, "ab")  # noqa: SIM115 (lives with the process)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "connect.celery",
                "worker",
                "-P",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self):
        """SIGKILL: no cleanup, no ack, the in-flight task stays unacknowledged."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def wait_for(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def make_invitations(n: int, *, email_domain="example.com") -> list[int]:
    """``n`` pending invitations owed an email, created in bulk (one circle).

    Returns the ids of their outbox rows (what the sending tasks take)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Profile, User
    from connect.circles.models import Circle, Invitation
    from connect.notifications.models import OutboxEmail

    stamp = int(time.time() * 1000)
    users = User.objects.bulk_create(
        [User(email=f"bulk{stamp}-{i}@{email_domain}", password="!") for i in range(n)],
        batch_size=2000,
    )
    Profile.objects.bulk_create(
        [Profile(user=u, display_name=f"Person {i}", timezone="UTC") for i, u in enumerate(users)],
        batch_size=2000,
    )
    circle = Circle.objects.create(
        name="Bulk circle", mode="virtual", start_slot=100, status=Circle.Status.FORMING
    )
    expires = timezone.now() + timedelta(hours=48)
    invs = Invitation.objects.bulk_create(
        [
            Invitation(
                circle=circle,
                user=u,
                expires_at=expires,
                shared_topics=["loneliness"],
            )
            for u in users
        ],
        batch_size=2000,
    )
    emails = OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(user_id=i.user_id, kind="invitation", source="invitation", source_id=i.pk)
            for i in invs
        ],
        batch_size=2000,
    )
    return [e.pk for e in emails]
