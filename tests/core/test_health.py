"""The deep health check for load balancers, and the request id in responses and logs."""

import io
import json
import logging
import logging.config
import time

import pytest
from django.conf import settings
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from connect.core.health import heartbeat_write
from connect.core.requestid import RequestIdFilter
from connect.core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_heartbeat():
    from django.core.cache import cache

    cache.delete("worker:heartbeat")
    yield
    cache.delete("worker:heartbeat")


def test_deep_health_is_503_until_a_worker_has_beaten(client):
    response = client.get(reverse("healthz_deep"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"] == "no heartbeat yet"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "ok"
    worker_heartbeat()  # what the beat job runs on a worker
    response = client.get(reverse("healthz_deep"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "broker": "ok", "worker": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


def test_deep_health_reports_a_stale_heartbeat(client):
    heartbeat_write(time.time() - 3 * settings.CONNECT_HEARTBEAT_INTERVAL - 5)
    response = client.get(reverse("healthz_deep"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("stale: last heartbeat")


def test_the_shallow_check_stays(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_the_heartbeat_is_a_periodic_job():
    job = settings.CELERY_BEAT_SCHEDULE["core-worker-heartbeat"]
    assert job["task"] == "connect.core.tasks.worker_heartbeat"
    assert job["schedule"] == settings.CONNECT_HEARTBEAT_INTERVAL


def test_every_response_has_a_request_id_and_keeps_a_well_formed_one(client):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("landing"))["X-Request-ID"]
    assert len(first) == 32 and first != second
    kept = client.get(reverse("healthz"), headers={"X-Request-ID": "lb-1234abcd"})
    assert kept["X-Request-ID"] == "lb-1234abcd"
    refused = client.get(reverse("healthz"), headers={"X-Request-ID": "bad id\n{}"})
    assert refused["X-Request-ID"] != "bad id\n{}" and len(refused["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id(client):
    """The production formatter (settings.LOGGING's "json"), on the request log."""
    stream = io.StringIO()
    config = settings.LOGGING["formatters"]["json"]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(config["fmt"], rename_fields=config["rename_fields"]))

    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("connect.request")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        response = client.get(reverse("guidelines"))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO"
    assert line["logger"] == "connect.request"
    assert line["path"] == "/guidelines/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
