"""``honcho start`` runs the Procfile: the web process answers, beat queues the
heartbeat, a worker runs it, and the deep health check turns 200; with Redis
stopped it answers 503 naming Redis, the broker (and soon the worker)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.chat.servers import test_database_url as server_database_url
from tests.faults.private import PrivateRedis, free_port
from tests.faults.stack import ROOT, get, site_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _health(base: str) -> tuple[int, str]:
    try:
        return get(f"{base}/healthz/deep/", timeout=5)
    except OSError:
        return 0, ""


def test_honcho_runs_the_procfile_and_the_deep_health_check_follows_redis(tmp_path):
    redis_server = PrivateRedis().start()
    port = free_port()
    env = site_env(
        server_database_url(),
        redis_server.url(0),
        CONNECT_VAR_DIR=str(tmp_path),
        CONNECT_HEARTBEAT_INTERVAL="1",
        WEB_CONCURRENCY="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "--port", str(port), "--env", os.devnull],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "honcho.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while _health(base)[0] != 200 and time.monotonic() < deadline:
            assert honcho.poll() is None, (tmp_path / "honcho.log").read_text()[-3000:]
            time.sleep(0.5)
        status, body = _health(base)
        assert status == 200, (body, (tmp_path / "honcho.log").read_text()[-3000:])

        redis_server.stop()
        status, body = _health(base)
        assert status == 503
        assert '"redis": "unreachable' in body and '"broker": "unreachable' in body
        assert get(f"{base}/healthz/", timeout=5)[0] == 200  # the shallow check: still alive
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
        redis_server.close()
