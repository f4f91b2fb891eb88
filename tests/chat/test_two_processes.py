"""Two daphne processes sharing one Redis: clients on different processes, in
the same circle, see each other's messages (as behind a load balancer)."""

import asyncio
import json
import os

import pytest
from websockets.asyncio.client import connect

from tests.chat.conftest import session_cookie
from tests.chat.servers import daphne_servers

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


async def _open(host: str, circle_id: int, cookie: str):
    ws = await connect(
        f"ws://{host}/ws/chat/{circle_id}/",
        origin=f"http://{host}",
        additional_headers={"Cookie": cookie},
        open_timeout=10,
    )
    return ws


PRESENCE: dict = {}


async def _next(ws, frame_type: str, timeout=10):
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] == "presence":
            PRESENCE[ws] = frame  # the latest one each client saw
        if frame["type"] == frame_type:
            return frame


async def _exchange(hosts, circle_id, cookies):
    ana = await _open(hosts[0], circle_id, cookies["Ana"])
    ben = await _open(hosts[1], circle_id, cookies["Ben"])
    try:
        await _next(ana, "ready")
        await _next(ben, "ready")
        await ana.send(json.dumps({"action": "send", "body": "from process one"}))
        got_ben = await _next(ben, "message")
        await ben.send(json.dumps({"action": "send", "body": "from process two"}))
        got_ana = await _next(ana, "message")
        while got_ana["message"]["body"] == "from process one":  # her own echo
            got_ana = await _next(ana, "message")
        # Presence is shared through the Redis cache: each sees the other online.
        presence = PRESENCE.get(ana) or await _next(ana, "presence")
        while len(presence["online"]) < 2:
            presence = await _next(ana, "presence")
        return got_ben, got_ana, presence
    finally:
        await ana.close()
        await ben.close()


def test_clients_on_two_processes_see_each_others_messages(circle_members, tmp_path):
    assert os.environ["REDIS_URL"]
    circle, people = circle_members
    cookies = {name: session_cookie(user) for name, user in people.items()}
    with daphne_servers(2, tmp_path) as hosts:
        assert hosts[0] != hosts[1]
        got_ben, got_ana, presence = asyncio.run(_exchange(hosts, circle.pk, cookies))
    assert got_ben["message"]["body"] == "from process one"
    assert got_ben["message"]["author_name"] == "Ana"
    assert got_ana["message"]["body"] == "from process two"
    assert {p["name"] for p in presence["online"]} == {"Ana", "Ben"}


async def _rate_limit_across(hosts, circle_id, cookie):
    one = await _open(hosts[0], circle_id, cookie)
    two = await _open(hosts[1], circle_id, cookie)
    try:
        await _next(one, "ready")
        await _next(two, "ready")
        replies = []
        for i in range(11):
            ws = one if i % 2 else two
            await ws.send(json.dumps({"action": "send", "body": f"m{i}"}))
            frame = await _next_of(ws, ("ack", "error"))
            replies.append(frame.get("code", frame["type"]))
        return replies
    finally:
        await one.close()
        await two.close()


async def _next_of(ws, types, timeout=10):
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] in types:
            return frame


def test_rate_limit_holds_across_processes(circle_members, tmp_path):
    """One person with a socket on each process still gets 10 messages per 10 s."""
    from connect.chat.models import Message

    circle, people = circle_members
    cookie = session_cookie(people["Ana"])
    with daphne_servers(2, tmp_path) as hosts:
        replies = asyncio.run(_rate_limit_across(hosts, circle.pk, cookie))
    assert replies.count("ack") == 10
    assert replies.count("rate_limited") == 1
    assert Message.objects.count() == 10
