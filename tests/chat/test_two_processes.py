"""Two daphne processes sharing one Redis: clients on different processes, in
the same circle, see each other's messages (as behind a load balancer)."""

import asyncio
import contextlib
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


async def _drop_and_resume(hosts, circle_id, cookies):
    """Ana and Cy send 10 messages each on process one; Ben reads on process
    two, drops after a few, and comes back on process one with ?last_id= while
    they keep sending. Returns (ids sent, ids Ben received in order of arrival)."""
    senders = {name: await _open(hosts[0], circle_id, cookies[name]) for name in ("Ana", "Cy")}
    ben = await _open(hosts[1], circle_id, cookies["Ben"])
    sent: list[int] = []
    got: list[int] = []
    away = asyncio.Event()
    back = asyncio.Event()
    try:
        for ws in (*senders.values(), ben):
            await _next(ws, "ready")

        async def send_all():
            for i in range(10):
                for name, ws in senders.items():
                    await ws.send(json.dumps({"action": "send", "body": f"{name} {i}"}))
                    sent.append((await _next_of(ws, ("ack",)))["id"])
                    if len(sent) == 12:
                        await away.wait()  # some are sent while Ben is away...
                    if len(sent) == 16:
                        back.set()  # ...then he comes back mid-stream

        sending = asyncio.create_task(send_all())
        while len(got) < 6:
            got.append((await _next(ben, "message"))["message"]["id"])
        await ben.close()
        away.set()
        await back.wait()
        ben = await connect(
            f"ws://{hosts[0]}/ws/chat/{circle_id}/?last_id={max(got)}",
            origin=f"http://{hosts[0]}",
            additional_headers={"Cookie": cookies["Ben"]},
            open_timeout=10,
        )
        await sending
        while len(set(got)) < len(sent):
            frame = json.loads(await asyncio.wait_for(ben.recv(), 10))
            if frame["type"] == "message":
                got.append(frame["message"]["id"])
        # Anything sent twice would be here by now.
        with contextlib.suppress(TimeoutError):
            while True:
                frame = json.loads(await asyncio.wait_for(ben.recv(), 1))
                if frame["type"] == "message":
                    got.append(frame["message"]["id"])
        return sent, got
    finally:
        for ws in (*senders.values(), ben):
            await ws.close()


def test_a_reader_who_drops_gets_exactly_what_was_missed_on_another_process(
    circle_members, tmp_path
):
    circle, people = circle_members
    cookies = {name: session_cookie(user) for name, user in people.items()}
    with daphne_servers(2, tmp_path) as hosts:
        sent, got = asyncio.run(_drop_and_resume(hosts, circle.pk, cookies))
    assert len(sent) == 20
    assert sorted(got) == sorted(sent)  # every message once: none lost, none twice
