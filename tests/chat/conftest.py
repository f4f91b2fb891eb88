"""Chat test helpers: members of one circle and WebSocket communicators."""

import json

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from connect.asgi import application
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory


def session_cookie(user) -> str:
    """A real session for ``user`` (as after logging in), as a Cookie header value."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def make_communicator(circle_id: int, cookie: str | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/chat/{circle_id}/", headers=headers)


async def receive_until(comm, frame_type: str, timeout=10):
    """Frames until one of ``frame_type`` arrives (presence and typing come and go)."""
    while True:
        frame = json.loads(await comm.receive_from(timeout=timeout))
        if frame["type"] == frame_type:
            return frame


async def connected(circle_id, cookie):
    comm = make_communicator(circle_id, cookie)
    # Connecting takes several database calls in threads: the communicator's
    # default second is too short when the machine is busy (seen in one
    # process beside other jobs), and a refusal still answers at once.
    ok, _ = await comm.connect(timeout=10)
    assert ok
    ready = await receive_until(comm, "ready")
    return comm, ready


@pytest.fixture
def circle_members(db):
    """A circle with three members (Ana, Ben, Cy) and their session cookies."""
    circle = CircleFactory()
    people = {}
    for name in ("Ana", "Ben", "Cy"):
        user = OnboardedUserFactory(onboarded__display_name=name, onboarded__topics={})
        MembershipFactory(circle=circle, user=user)
        people[name] = user
    return circle, people


# How many generated frames each socket fuzz test sent, for the run's summary.
FUZZ_COUNTS: dict[str, int] = {}


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker hands its counts to the main process."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["chat_fuzz_counts"] = dict(FUZZ_COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for action, n in getattr(node, "workeroutput", {}).get("chat_fuzz_counts", {}).items():
        FUZZ_COUNTS[action] = FUZZ_COUNTS.get(action, 0) + n


def pytest_terminal_summary(terminalreporter):
    if FUZZ_COUNTS:
        terminalreporter.section("chat socket fuzzing")
        for action, n in sorted(FUZZ_COUNTS.items()):
            terminalreporter.write_line(f"socket fuzz: {n} frames for action {action}")
        terminalreporter.write_line(f"socket fuzz: {sum(FUZZ_COUNTS.values())} frames in all")
