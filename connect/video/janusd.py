"""Start Debian's Janus with a generated configuration (development and tests).

Pure standard library, no Django: ``scripts/dev.py`` imports it before the
virtualenv exists, the test fixture and ``bench/video.py`` start one Janus per
run with it. Production runs Janus under its own supervisor with the same
settings (the README's configuration table).

The generated configuration (under ``<var>/janus/<name>/``) loads only what
Connect uses: the VideoRoom plugin and the plain HTTP transport, both API and
admin API on 127.0.0.1. ``token_auth`` is on, so every request to the public API
needs a token the site added through the admin API (``add_token``); the admin
API and the VideoRoom ``admin_key`` (room creation) need the admin secret.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

JANUS_BIN = "/usr/bin/janus"
LIB_DIR = Path("/usr/lib/x86_64-linux-gnu/janus")
# Everything Debian ships that Connect does not use stays unloaded.
UNUSED_PLUGINS = [
    "libjanus_audiobridge.so",
    "libjanus_duktape.so",
    "libjanus_echotest.so",
    "libjanus_lua.so",
    "libjanus_nosip.so",
    "libjanus_recordplay.so",
    "libjanus_sip.so",
    "libjanus_streaming.so",
    "libjanus_textroom.so",
    "libjanus_videocall.so",
    "libjanus_voicemail.so",
]
UNUSED_TRANSPORTS = [
    "libjanus_mqtt.so",
    "libjanus_nanomsg.so",
    "libjanus_pfunix.so",
    "libjanus_rabbitmq.so",
    "libjanus_websockets.so",
]


def installed() -> bool:
    return os.access(JANUS_BIN, os.X_OK)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class JanusServer:
    """A running Janus: its URLs, admin secret, folder and process."""

    folder: Path
    port: int
    admin_port: int
    admin_secret: str
    rtp_ports: str
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/janus"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}/admin"

    @property
    def log_path(self) -> Path:
        return self.folder / "janus.log"

    def env(self) -> dict[str, str]:
        """The settings that point the site at this Janus."""
        return {
            "JANUS_URL": self.url,
            "JANUS_ADMIN_URL": self.admin_url,
            "JANUS_ADMIN_SECRET": self.admin_secret,
        }

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def write_config(
    folder: Path,
    *,
    port: int,
    admin_port: int,
    admin_secret: str,
    rtp_ports: str = "20000-40000",
    debug_level: int = 4,
) -> None:
    """Write janus.jcfg, the HTTP transport's and the VideoRoom plugin's config."""
    folder.mkdir(parents=True, exist_ok=True)
    disabled_plugins = ",".join(UNUSED_PLUGINS)
    disabled_transports = ",".join(UNUSED_TRANSPORTS)
    (folder / "janus.jcfg").write_text(
        f"""general: {{
	configs_folder = "{folder}"
	plugins_folder = "{LIB_DIR / "plugins"}"
	transports_folder = "{LIB_DIR / "transports"}"
	events_folder = "{LIB_DIR / "events"}"
	loggers_folder = "{LIB_DIR / "loggers"}"
	log_to_file = "{folder / "janus.log"}"
	debug_level = {debug_level}
	debug_timestamps = true
	token_auth = true
	admin_secret = "{admin_secret}"
	session_timeout = 60
	reclaim_session_timeout = 0
	server_name = "Connect video"
	hide_dependencies = true
}}
media: {{
	rtp_port_range = "{rtp_ports}"
}}
nat: {{
	nice_debug = false
	full_trickle = true
	ice_ignore_list = "vmnet"
	ignore_mdns = false
}}
plugins: {{
	disable = "{disabled_plugins}"
}}
transports: {{
	disable = "{disabled_transports}"
}}
events: {{
	broadcast = false
}}
loggers: {{
	disable = "libjanus_jsonlog.so"
}}
"""
    )
    (folder / "janus.transport.http.jcfg").write_text(
        f"""general: {{
	json = "compact"
	base_path = "/janus"
	http = true
	port = {port}
	ip = "127.0.0.1"
	https = false
}}
admin: {{
	admin_base_path = "/admin"
	admin_http = true
	admin_port = {admin_port}
	admin_ip = "127.0.0.1"
	admin_https = false
}}
cors: {{
}}
"""
    )
    # admin_key: only the site (which knows the secret) creates rooms; no
    # static rooms; recording is refused for every room the site creates.
    (folder / "janus.plugin.videoroom.jcfg").write_text(
        f"""general: {{
	admin_key = "{admin_secret}"
	lock_rtp_forward = true
	string_ids = false
}}
"""
    )


def _answers(url: str) -> bool:
    body = json.dumps({"janus": "info", "transaction": "up"}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=1) as response:  # noqa: S310 (local URL)
            return json.load(response).get("janus") == "server_info"
    except OSError:
        return False


def start(
    folder: Path,
    *,
    admin_secret: str | None = None,
    rtp_ports: str = "20000-40000",
    timeout: float = 20.0,
    debug_level: int = 4,
) -> JanusServer:
    """Write a fresh config in ``folder`` and start Janus on free local ports;
    return once its HTTP API answers (or raise with the end of its log)."""
    if not installed():
        raise RuntimeError("Janus is not installed (apt-get install janus).")
    if folder.exists():
        shutil.rmtree(folder)
    server = JanusServer(
        folder=folder,
        port=free_port(),
        admin_port=free_port(),
        admin_secret=admin_secret or secrets.token_urlsafe(24),
        rtp_ports=rtp_ports,
    )
    write_config(
        folder,
        port=server.port,
        admin_port=server.admin_port,
        admin_secret=server.admin_secret,
        rtp_ports=rtp_ports,
        debug_level=debug_level,
    )
    server.process = subprocess.Popen(  # noqa: S603 (Debian's janus, our own config)
        [JANUS_BIN, "--config", str(folder / "janus.jcfg"), "--configs-folder", str(folder)]
        + ["--disable-colors", "--disable-stdout"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        if _answers(server.url) and _answers(server.admin_url):
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"Janus did not start; the end of its log:\n{server.log()[-3000:]}")
