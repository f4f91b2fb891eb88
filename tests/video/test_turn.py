"""The TURN credentials the site hands out are accepted by a real coturn
(Debian's ``coturn``, shared-secret mode): chromium, allowed to use relays only,
gets a relay candidate, which coturn grants only to an authenticated request.
A wrong secret gets none."""

import shutil
import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from connect.video import janusd
from connect.video.services import turn_credentials
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.janus]

SECRET = "coturn-test-secret"

GATHER = """async (iceServers) => {
  const pc = new RTCPeerConnection({iceServers, iceTransportPolicy: "relay"});
  pc.createDataChannel("probe");
  const found = [];
  const done = new Promise((resolve) => {
    pc.onicecandidate = (e) => {
      if (e.candidate) found.push(e.candidate.candidate); else resolve();
    };
    setTimeout(resolve, 8000);
  });
  await pc.setLocalDescription(await pc.createOffer());
  await done;
  pc.close();
  return found;
}"""


@pytest.fixture(scope="module")
def coturn(tmp_path_factory):
    if not shutil.which("turnserver"):
        pytest.fail("This test needs Debian's coturn: apt-get install coturn (scripts/test.sh).")
    port = janusd.free_port()
    folder = tmp_path_factory.mktemp("coturn")
    process = subprocess.Popen(
        ["turnserver", "-n", "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1"]
        + ["--listening-port", str(port), "--min-port", "49200", "--max-port", "49300"]
        + ["--use-auth-secret", "--static-auth-secret", SECRET, "--realm", "connect.test"]
        + ["--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers"]
        + [
            "--log-file",
            str(folder / "turn.log"),
            "--simple-log",
            "--pidfile",
            str(folder / "pid"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    time.sleep(1)
    assert process.poll() is None, (folder / "turn.log").read_text()
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_coturn_accepts_the_sites_credentials_and_refuses_others(coturn, settings, browser_type):
    settings.TURN_HOST, settings.TURN_SECRET = coturn, SECRET
    servers = turn_credentials(7, timezone.now() + timedelta(hours=1))
    browser = browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        page.goto("about:blank")
        candidates = page.evaluate(GATHER, servers)
        assert any(" typ relay " in c for c in candidates), candidates
        settings.TURN_SECRET = "not-the-secret"
        forged = turn_credentials(7, timezone.now() + timedelta(hours=1))
        assert not any(" typ relay " in c for c in page.evaluate(GATHER, forged))
    finally:
        browser.close()
