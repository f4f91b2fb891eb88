"""The first run: readable emails, access lines once, "running" once the server
listens, and the site URL following the address served."""

import importlib.util
import socket
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

ROOT = Path(__file__).resolve().parents[2]


def _dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_development_emails_print_readably():
    assert settings.EMAIL_BACKEND == "connect.core.mail.ReadableConsoleBackend" or (
        "locmem" in settings.EMAIL_BACKEND  # pytest-django swaps in its outbox
    )
    link = "http://127.0.0.1:8000/accounts/confirm-email/" + "Mjc:1vQ2x9:" + "a" * 60 + "/"
    message = EmailMultiAlternatives(
        "[Connect] Confirm your email address",
        f"Hello,\n\nConfirm your address: {link}\n",
        "Connect <hello@connect.invalid>",
        ["river@example.com"],
    )
    message.attach_alternative(f'<p><a href="{link}">Confirm</a></p>', "text/html")
    out = StringIO()
    get_connection("connect.core.mail.ReadableConsoleBackend", stream=out).send_messages([message])
    text = out.getvalue()
    assert "Email to: river@example.com" in text
    assert "Subject:  [Connect] Confirm your email address" in text
    assert link in text  # whole, on one line: no quoted-printable soft breaks
    assert "Content-Transfer-Encoding" not in text and "WARNING" not in text
    assert "(also sent as text/html)" in text


COUNT_HANDLERS = """
import logging, django
django.setup()
logger = logging.getLogger("django.channels.server")
handlers, current = [], logger
while current is not None:
    handlers += [h for h in current.handlers if h.level <= logging.INFO and (
        not h.filters or all(f.filter(logging.makeLogRecord({})) for f in h.filters))]
    current = current.parent if current.propagate else None
print(len(handlers))
"""


def test_an_access_line_reaches_one_handler(tmp_path):
    """Daphne's runserver logs each request to "django.channels.server"; with
    DEBUG on, Django's own "django" handler and the root handler both printed it."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "connect.settings",
        "DJANGO_DEBUG": "true",
        "CONNECT_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", COUNT_HANDLERS], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


def test_running_is_said_only_once_the_server_listens():
    dev = _dev()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    server = socket.socket()
    try:

        def listen_later():
            time.sleep(0.8)
            server.bind(("127.0.0.1", port))
            server.listen()

        started = time.monotonic()
        threading.Thread(target=listen_later, daemon=True).start()
        assert dev.wait_until_listening(f"127.0.0.1:{port}", sleeper, timeout=20)
        assert time.monotonic() - started >= 0.8
    finally:
        sleeper.kill()
        sleeper.wait()
        server.close()
    # A web process that dies first is never reported as running.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert not dev.wait_until_listening(f"127.0.0.1:{port}", dead, timeout=5)


def test_the_site_url_follows_the_address(monkeypatch, tmp_path):
    dev = _dev()
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    env = dev.site_environment("127.0.0.1:8001", environ={})
    assert env["CONNECT_SITE_URL"] == "http://127.0.0.1:8001"
    given = dev.site_environment("127.0.0.1:8001", environ={"CONNECT_SITE_URL": "https://x.org"})
    assert given["CONNECT_SITE_URL"] == "https://x.org"
    (tmp_path / ".env").write_text("CONNECT_SITE_URL=https://from-dotenv.org\n")
    assert "CONNECT_SITE_URL" not in dev.site_environment("127.0.0.1:8001", environ={})
