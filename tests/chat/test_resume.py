"""Resuming after a dropped connection: ``?last_id=`` replays exactly what the
reader missed, filtered like history, each message once."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async as dba
from channels.layers import get_channel_layer
from django.utils import timezone

from connect.chat import consumers, realtime, services
from connect.chat.models import Message
from connect.safety.services import block_create
from tests.chat.conftest import make_communicator, receive_until, session_cookie
from tests.factories import OnboardedUserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cookies(circle_members):
    circle, people = circle_members
    return circle, people, {name: session_cookie(user) for name, user in people.items()}


async def resumed(circle_id, cookie, last_id):
    """Connect with ``?last_id=``; returns (socket, replayed messages, resumed frame)."""
    comm = make_communicator(circle_id, cookie)
    comm.scope["query_string"] = f"last_id={last_id}".encode()
    ok, _ = await comm.connect()
    assert ok
    await receive_until(comm, "ready")
    replayed = []
    while True:
        frame = json.loads(await comm.receive_from(timeout=10))
        if frame["type"] == "message":
            assert frame["replayed"] is True
            replayed.append(frame["message"])
        elif frame["type"] == "resumed":
            return comm, replayed, frame


def post(user, circle, body):
    return services.message_post(user, circle.pk, body).message.pk


async def test_reconnect_replays_exactly_what_was_missed_filtered_like_history(cookies):
    circle, people, c = cookies
    ana, ben, cy = people["Ana"], people["Ben"], people["Cy"]
    seen = await dba(post)(ana, circle, "seen before the drop")

    # While Ben is away: two messages he may read, one from someone he blocked,
    # one deleted and one hidden by the moderators before he is back.
    def while_away():
        block_create(ben, cy)
        ids = {
            "first": post(ana, circle, "missed one"),
            "blocked": post(cy, circle, "from a blocked person"),
            "deleted": post(ana, circle, "deleted while away"),
            "second": post(ana, circle, "missed two"),
            "hidden": post(ana, circle, "hidden while away"),
        }
        services.message_delete(ana, circle.pk, ids["deleted"])
        Message.objects.filter(pk=ids["hidden"]).update(hidden_at=timezone.now())
        return ids

    ids = await dba(while_away)()
    comm, replayed, done = await resumed(circle.pk, c["Ben"], seen)
    assert [m["id"] for m in replayed] == [ids["first"], ids["second"]]
    assert [m["body"] for m in replayed] == ["missed one", "missed two"]
    assert done == {"type": "resumed", "last_id": ids["second"], "count": 2, "complete": True}

    # Live again: the next message arrives once, by broadcast.
    live = await dba(post)(ana, circle, "after the reconnect")
    frame = await receive_until(comm, "message")
    assert frame["message"]["id"] == live and "replayed" not in frame
    await comm.disconnect()


async def test_a_message_replayed_and_also_broadcast_is_sent_once(cookies):
    """A message committed before the replay's read whose broadcast is still on
    its way when the socket has joined the circle's group arrives once."""
    circle, people, c = cookies
    ana = people["Ana"]
    seen = await dba(post)(ana, circle, "seen")
    # Saved, not yet broadcast (as if its on-commit send were still under way).
    late = await dba(Message.objects.create)(circle=circle, author=ana, body="late broadcast")
    comm, replayed, _ = await resumed(circle.pk, c["Ben"], seen)
    assert [m["id"] for m in replayed] == [late.pk]
    event = await dba(lambda: realtime.message_event(Message.objects.get(pk=late.pk), "message"))()
    await get_channel_layer().group_send(realtime.circle_group(circle.pk), event)
    after = await dba(post)(ana, circle, "next")
    frame = await receive_until(comm, "message")
    assert frame["message"]["id"] == after  # not the late one a second time
    await comm.disconnect()


async def test_nothing_missed_replays_nothing(cookies):
    circle, people, c = cookies
    last = await dba(post)(people["Ana"], circle, "the latest")
    comm, replayed, done = await resumed(circle.pk, c["Ben"], last)
    assert replayed == []
    assert done == {"type": "resumed", "last_id": last, "count": 0, "complete": True}
    await comm.disconnect()


async def test_a_long_absence_replays_up_to_the_limit_then_says_so(cookies, monkeypatch):
    circle, people, c = cookies
    monkeypatch.setattr(consumers, "RESUME_PAGE", 2)
    monkeypatch.setattr(consumers, "RESUME_LIMIT", 3)

    def many():
        return [
            Message.objects.create(circle=circle, author=people["Ana"], body=f"m{i}").pk
            for i in range(6)
        ]

    ids = await dba(many)()
    comm, replayed, done = await resumed(circle.pk, c["Ben"], 0)
    assert [m["id"] for m in replayed] == ids[:4]  # whole pages, in order
    assert done["complete"] is False and done["last_id"] == ids[3] and done["count"] == 4
    # The rest comes from history, after the last replayed id.
    await comm.send_json_to({"action": "history", "after": done["last_id"]})
    page = await receive_until(comm, "history")
    assert [m["id"] for m in page["messages"]] == ids[4:]
    await comm.disconnect()


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "9" * 30, "%C2%B2", "%D9%A3"])
async def test_a_bad_last_id_gets_an_error_frame_and_no_replay(cookies, value):
    circle, people, c = cookies
    await dba(post)(people["Ana"], circle, "there is history")
    comm = make_communicator(circle.pk, c["Ben"])
    comm.scope["query_string"] = f"last_id={value}".encode()
    ok, _ = await comm.connect()
    assert ok
    await receive_until(comm, "ready")
    error = await receive_until(comm, "error")
    assert error["code"] == "invalid"
    # The socket lives and works; nothing was replayed.
    await comm.send_json_to({"action": "ping"})
    frame = json.loads(await comm.receive_from())
    while frame["type"] == "presence":
        frame = json.loads(await comm.receive_from())
    assert frame["type"] == "pong"
    await comm.disconnect()


async def test_an_outsider_resuming_is_refused_and_sees_nothing(cookies):
    circle, people, _ = cookies
    await dba(post)(people["Ana"], circle, "members only")
    outsider = await dba(OnboardedUserFactory)()
    comm = make_communicator(circle.pk, await dba(session_cookie)(outsider))
    comm.scope["query_string"] = b"last_id=0"
    ok, _ = await comm.connect()
    assert ok
    frame = await comm.receive_output(timeout=3)
    assert frame == {"type": "websocket.close", "code": realtime.CLOSE_NOT_A_MEMBER}


async def test_an_open_socket_gets_what_the_channel_layer_lost(cookies, monkeypatch):
    """A message saved while the channel layer could not publish (Redis away:
    the pub/sub layer drops it and reconnects silently) reaches the open
    socket at the next gap check, once, filtered like history."""
    circle, people, c = cookies
    ana, ben, cy = people["Ana"], people["Ben"], people["Cy"]
    monkeypatch.setattr(consumers, "GAP_CHECK_SECONDS", 0.2)
    monkeypatch.setattr(consumers, "GAP_SETTLE_SECONDS", 0.0)
    comm = make_communicator(circle.pk, c["Ben"])
    assert (await comm.connect())[0]
    await receive_until(comm, "ready")

    def saved_without_broadcast():
        block_create(ben, cy)
        lost = Message.objects.create(circle=circle, author=ana, body="lost by the layer")
        Message.objects.create(circle=circle, author=cy, body="from a blocked person")
        return lost.pk

    lost = await dba(saved_without_broadcast)()
    frame = await receive_until(comm, "message")
    assert frame["replayed"] is True and frame["message"]["id"] == lost
    # Its broadcast arriving late is not drawn twice, and nothing else comes.
    await get_channel_layer().group_send(
        realtime.circle_group(circle.pk),
        {"type": "chat.message", "kind": "message", "message": frame["message"]},
    )
    assert await comm.receive_nothing(timeout=0.8)
    await comm.disconnect()


async def test_a_broadcast_arriving_during_a_gap_check_is_sent_once(cookies, monkeypatch):
    """Under load the layer can take longer than the settle time to deliver a
    message: the gap check then reads it from the database while its broadcast
    reaches the socket, before the check has sent it. The reader gets it once
    (the chat benchmark counted such duplicates on a loaded machine)."""
    circle, people, c = cookies
    ana = people["Ana"]
    monkeypatch.setattr(consumers, "GAP_CHECK_SECONDS", 0.1)
    monkeypatch.setattr(consumers, "GAP_SETTLE_SECONDS", 0.0)
    read = consumers._shown
    late = {"body": "slow broadcast"}

    async def read_while_the_broadcast_lands(*args, **kwargs):
        found = await read(*args, **kwargs)
        for message in found:
            if message["body"] == late["body"] and not late.get("broadcast"):
                late["broadcast"] = True
                await get_channel_layer().group_send(
                    realtime.circle_group(circle.pk),
                    {"type": "chat.message", "kind": "message", "message": message},
                )
                await asyncio.sleep(0.3)  # the consumer sends the broadcast meanwhile
        return found

    monkeypatch.setattr(consumers, "_shown", read_while_the_broadcast_lands)
    comm = make_communicator(circle.pk, c["Ben"])
    assert (await comm.connect())[0]
    await receive_until(comm, "ready")
    saved = await dba(Message.objects.create)(circle=circle, author=ana, body=late["body"])
    frame = await receive_until(comm, "message")
    assert frame["message"]["id"] == saved.pk
    assert late.get("broadcast")
    assert await comm.receive_nothing(timeout=1.0)
    await comm.disconnect()


async def test_a_lost_message_is_sent_even_after_a_newer_one_came_by_broadcast(
    cookies, monkeypatch
):
    """Redis comes back: the layer drops a message saved while it was away, then
    delivers a newer one before the next gap check. The gap check still sends
    the older one: what it reads does not start after the newest id broadcast."""
    circle, people, c = cookies
    ana, cy = people["Ana"], people["Cy"]
    monkeypatch.setattr(consumers, "GAP_CHECK_SECONDS", 0.5)
    monkeypatch.setattr(consumers, "GAP_SETTLE_SECONDS", 0.0)
    comm = make_communicator(circle.pk, c["Ben"])
    assert (await comm.connect())[0]
    await receive_until(comm, "ready")

    def one_lost_then_one_delivered():
        lost = Message.objects.create(circle=circle, author=ana, body="dropped by the layer")
        newer = Message.objects.create(circle=circle, author=cy, body="after Redis came back")
        return lost.pk, consumers.message_payload(newer)

    lost, newer = await dba(one_lost_then_one_delivered)()
    await get_channel_layer().group_send(
        realtime.circle_group(circle.pk),
        {"type": "chat.message", "kind": "message", "message": newer},
    )
    ids = []
    for _ in range(2):
        ids.append((await receive_until(comm, "message"))["message"]["id"])
    assert sorted(ids) == [lost, newer["id"]]
    assert await comm.receive_nothing(timeout=1.0)
    await comm.disconnect()
