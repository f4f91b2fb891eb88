"""The chat WebSocket, end to end through connect.asgi.application (session auth,
origin check, routing) with WebsocketCommunicator."""

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from connect.chat import realtime
from connect.chat.consumers import MAX_FRAME_BYTES
from connect.chat.models import Message
from connect.circles.models import Membership
from connect.circles.services.lifecycle import membership_end
from connect.moderation.models import Report
from connect.safety.models import Block, Mute, Suspension
from tests.chat.conftest import connected, make_communicator, receive_until, session_cookie
from tests.factories import OnboardedUserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cookies(circle_members):
    circle, people = circle_members
    return circle, people, {name: session_cookie(user) for name, user in people.items()}


async def test_member_connects_and_receives_others_messages(cookies):
    circle, people, c = cookies
    ana, ready = await connected(circle.pk, c["Ana"])
    assert ready["user_id"] == people["Ana"].pk and ready["muted"] is False
    ben, _ = await connected(circle.pk, c["Ben"])
    await ben.send_json_to({"action": "send", "body": "hello circle", "client_id": "x1"})
    ack = await receive_until(ben, "ack")
    got = await receive_until(ana, "message")
    assert got["message"]["body"] == "hello circle"
    assert got["message"]["author_name"] == "Ben"
    # The broadcast carries the id of the row saved before it went out.
    assert got["message"]["id"] == ack["id"] and ack["client_id"] == "x1"
    assert await database_sync_to_async(Message.objects.filter(pk=ack["id"]).exists)()
    await ana.disconnect()
    await ben.disconnect()


async def test_presence_and_typing(cookies):
    circle, people, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    ben, _ = await connected(circle.pk, c["Ben"])
    presence = await receive_until(ana, "presence")
    while {p["name"] for p in presence["online"]} != {"Ana", "Ben"}:
        presence = await receive_until(ana, "presence")
    await ben.send_json_to({"action": "typing"})
    await ben.send_json_to({"action": "typing"})  # throttled: only one goes out
    typing = await receive_until(ana, "typing")
    assert typing["name"] == "Ben"
    await ben.send_json_to({"action": "send", "body": "done typing"})
    frame = json.loads(await ana.receive_from())
    while frame["type"] == "presence":
        frame = json.loads(await ana.receive_from())
    assert frame["type"] == "message"  # no second typing frame came first
    await ben.disconnect()
    presence = await receive_until(ana, "presence")
    assert [p["name"] for p in presence["online"]] == ["Ana"]
    await ana.disconnect()


async def _closed_with(comm):
    ok, _ = await comm.connect()
    assert ok  # accepted, then closed with our code so the browser sees it
    frame = await comm.receive_output(timeout=3)
    assert frame["type"] == "websocket.close"
    return frame["code"]


async def test_anonymous_is_refused_with_4401(cookies):
    circle, _, _ = cookies
    assert await _closed_with(make_communicator(circle.pk)) == realtime.CLOSE_NOT_AUTHENTICATED


async def test_non_member_is_refused_with_4403(cookies):
    circle, _, _ = cookies
    outsider = await database_sync_to_async(OnboardedUserFactory)(onboarded__topics={})
    cookie = await database_sync_to_async(session_cookie)(outsider)
    code = await _closed_with(make_communicator(circle.pk, cookie))
    assert code == realtime.CLOSE_NOT_A_MEMBER


async def test_removed_member_is_refused_with_4403(cookies):
    circle, people, c = cookies
    membership = await database_sync_to_async(Membership.objects.get)(
        circle=circle, user=people["Cy"]
    )
    await database_sync_to_async(membership_end)(membership, Membership.Status.REMOVED)
    code = await _closed_with(make_communicator(circle.pk, c["Cy"]))
    assert code == realtime.CLOSE_NOT_A_MEMBER


async def test_suspended_person_is_refused_with_4410(cookies):
    circle, people, c = cookies
    await database_sync_to_async(Suspension.objects.create)(
        user=people["Cy"], starts_at=timezone.now(), reason="x"
    )
    # The session itself stays valid until their next HTTP request logs them out.
    code = await _closed_with(make_communicator(circle.pk, c["Cy"]))
    assert code == realtime.CLOSE_SUSPENDED


async def test_bad_origin_is_refused(cookies):
    from channels.testing import WebsocketCommunicator

    from connect.asgi import application

    circle, _, c = cookies
    comm = WebsocketCommunicator(
        application,
        f"/ws/chat/{circle.pk}/",
        headers=[
            (b"origin", b"http://evil.example"),
            (b"host", b"127.0.0.1"),
            (b"cookie", c["Ana"].encode()),
        ],
    )
    ok, _ = await comm.connect()
    assert not ok


async def test_muted_member_reads_but_sends_get_an_error_frame(cookies):
    """Decision: a muted member stays connected (may read); each write is
    refused with an error frame code "muted", and nothing is saved."""
    circle, people, c = cookies
    await database_sync_to_async(Mute.objects.create)(
        circle=circle, user=people["Cy"], ends_at=timezone.now() + timedelta(hours=1), reason="x"
    )
    cy, ready = await connected(circle.pk, c["Cy"])
    assert ready["muted"] is True
    await cy.send_json_to({"action": "send", "body": "let me talk"})
    error = await receive_until(cy, "error")
    assert error["code"] == "muted"
    ana, _ = await connected(circle.pk, c["Ana"])
    await ana.send_json_to({"action": "send", "body": "you can still read this"})
    assert (await receive_until(cy, "message"))["message"]["body"] == "you can still read this"
    assert await database_sync_to_async(Message.objects.count)() == 1
    await cy.disconnect()
    await ana.disconnect()


async def test_muted_after_connecting_is_rechecked_on_send(cookies):
    circle, people, c = cookies
    ben, _ = await connected(circle.pk, c["Ben"])
    await database_sync_to_async(Mute.objects.create)(
        circle=circle, user=people["Ben"], ends_at=timezone.now() + timedelta(hours=1), reason="x"
    )
    await ben.send_json_to({"action": "send", "body": "hi"})
    assert (await receive_until(ben, "error"))["code"] == "muted"
    await ben.disconnect()


async def test_removed_members_open_socket_is_closed(cookies):
    circle, people, c = cookies
    cy, _ = await connected(circle.pk, c["Cy"])
    membership = await database_sync_to_async(Membership.objects.get)(
        circle=circle, user=people["Cy"]
    )
    await database_sync_to_async(membership_end)(membership, Membership.Status.REMOVED)
    while True:
        frame = await cy.receive_output(timeout=3)
        if frame["type"] == "websocket.close":
            break
    assert frame["code"] == realtime.CLOSE_MEMBERSHIP_ENDED


async def test_membership_ended_between_checks_closes_on_next_send(cookies):
    circle, people, c = cookies
    cy, _ = await connected(circle.pk, c["Cy"])
    # Ended without the push (e.g. a row changed by hand): the send re-check catches it.
    await database_sync_to_async(
        Membership.objects.filter(circle=circle, user=people["Cy"]).update
    )(status=Membership.Status.LEFT)
    await cy.send_json_to({"action": "send", "body": "still here?"})
    error = await receive_until(cy, "error")
    assert error["code"] == "not_member"
    frame = await cy.receive_output(timeout=3)
    assert frame == {"type": "websocket.close", "code": realtime.CLOSE_MEMBERSHIP_ENDED}
    assert await database_sync_to_async(Message.objects.count)() == 0


async def test_edit_and_delete_rules(cookies):
    circle, people, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    ben, _ = await connected(circle.pk, c["Ben"])
    await ana.send_json_to({"action": "send", "body": "helo"})
    message_id = (await receive_until(ana, "ack"))["id"]
    await ana.send_json_to({"action": "edit", "id": message_id, "body": "hello"})
    updated = await receive_until(ben, "message_updated")
    assert updated["message"]["body"] == "hello" and updated["message"]["edited"] is True
    # Not Ben's message: he can neither edit nor delete it.
    await ben.send_json_to({"action": "edit", "id": message_id, "body": "hijack"})
    assert (await receive_until(ben, "error"))["code"] == "not_found"
    await ben.send_json_to({"action": "delete", "id": message_id})
    assert (await receive_until(ben, "error"))["code"] == "not_found"
    # Too late to edit after 15 minutes.
    await database_sync_to_async(Message.objects.filter(pk=message_id).update)(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    await ana.send_json_to({"action": "edit", "id": message_id, "body": "late"})
    assert (await receive_until(ana, "error"))["code"] == "edit_window"
    # Deleting one's own works, and everyone sees "message deleted" (no text).
    await ana.send_json_to({"action": "delete", "id": message_id})
    gone = await receive_until(ben, "message_updated")
    assert gone["message"]["state"] == "deleted" and gone["message"]["body"] == ""
    await ana.disconnect()
    await ben.disconnect()


async def test_report_over_the_socket(cookies):
    circle, people, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    ben, _ = await connected(circle.pk, c["Ben"])
    await ana.send_json_to({"action": "send", "body": "rude words"})
    message_id = (await receive_until(ana, "ack"))["id"]
    await ben.send_json_to({"action": "report", "id": message_id, "reason": "harassment"})
    assert (await receive_until(ben, "reported"))["id"] == message_id
    report = await database_sync_to_async(Report.objects.get)()
    assert (report.target_type, report.target_id) == ("message", message_id)
    await ana.disconnect()
    await ben.disconnect()


async def test_rate_limit_error_frame_and_nothing_saved(cookies):
    circle, _, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    for i in range(10):
        await ana.send_json_to({"action": "send", "body": f"m{i}"})
        await receive_until(ana, "ack")
    await ana.send_json_to({"action": "send", "body": "eleventh"})
    assert (await receive_until(ana, "error"))["code"] == "rate_limited"
    assert await database_sync_to_async(Message.objects.count)() == 10
    await ana.disconnect()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "malformed"),
        ("[1, 2]", "malformed"),
        ('{"body": "no action"}', "malformed"),
        ('{"action": 5}', "malformed"),
        ('{"action": "fly"}', "unknown_action"),
        ('{"action": "send", "body": 42}', "invalid"),
        ('{"action": "edit", "id": "7", "body": "x"}', "invalid"),
        ('{"action": "history", "after": "abc"}', "invalid"),
        ('{"action": "send", "body": "' + "x" * 2001 + '"}', "too_long"),
        ('{"action": "send", "body": "' + "x" * MAX_FRAME_BYTES + '"}', "too_large"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_usable(cookies, raw, code):
    circle, _, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    await ana.send_to(text_data=raw)
    assert (await receive_until(ana, "error"))["code"] == code
    await ana.send_json_to({"action": "send", "body": "still works"})
    assert (await receive_until(ana, "message"))["message"]["body"] == "still works"
    await ana.disconnect()


async def test_binary_frame_gets_an_error(cookies):
    circle, _, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    await ana.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(ana, "error"))["code"] == "malformed"
    await ana.disconnect()


async def test_history_after_and_before(cookies, settings):
    settings.CONNECT_CHAT_RATE = (1000, 10)
    circle, _, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    ids = []
    for i in range(55):
        await ana.send_json_to({"action": "send", "body": f"m{i}"})
        ids.append((await receive_until(ana, "ack"))["id"])
    await ana.send_json_to({"action": "history", "after": ids[49]})
    frame = await receive_until(ana, "history")
    assert [m["id"] for m in frame["messages"]] == ids[50:] and not frame["has_more"]
    await ana.send_json_to({"action": "history", "before": ids[5]})
    frame = await receive_until(ana, "history")
    assert [m["id"] for m in frame["messages"]] == ids[:5]
    await ana.disconnect()


async def test_blocked_authors_are_not_delivered(cookies):
    circle, people, c = cookies
    await database_sync_to_async(Block.objects.create)(blocker=people["Ana"], blocked=people["Ben"])
    ana, _ = await connected(circle.pk, c["Ana"])
    cy, _ = await connected(circle.pk, c["Cy"])
    ben, _ = await connected(circle.pk, c["Ben"])
    await ben.send_json_to({"action": "send", "body": "from Ben"})
    assert (await receive_until(cy, "message"))["message"]["body"] == "from Ben"
    await cy.send_json_to({"action": "send", "body": "from Cy"})
    # Ana gets Cy's message, never Ben's.
    assert (await receive_until(ana, "message"))["message"]["body"] == "from Cy"
    for comm in (ana, ben, cy):
        await comm.disconnect()


async def test_crisis_language_gets_a_private_crisis_frame(cookies):
    circle, _, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    ben, _ = await connected(circle.pk, c["Ben"])
    await ana.send_json_to({"action": "send", "body": "I want to end my life"})
    crisis = await receive_until(ana, "crisis")
    # The words come from the page's own card, in Ana's language; the frame has none.
    assert crisis == {"type": "crisis", "url": "/help/"}
    # Posted all the same; Ben sees the message but no crisis frame.
    assert (await receive_until(ben, "message"))["message"]["body"] == "I want to end my life"
    await ben.send_json_to({"action": "ping"})
    frame = await receive_until(ben, "pong")
    assert frame["type"] == "pong"
    await ana.disconnect()
    await ben.disconnect()


async def test_suspension_push_closes_every_open_socket_with_4410(cookies):
    circle, people, c = cookies
    cy, _ = await connected(circle.pk, c["Cy"])
    # What the moderation app does when it suspends someone (no circle given).
    await database_sync_to_async(realtime.close_user_sockets)(
        people["Cy"].pk, realtime.CLOSE_SUSPENDED
    )
    while True:
        frame = await cy.receive_output(timeout=3)
        if frame["type"] == "websocket.close":
            break
    assert frame["code"] == realtime.CLOSE_SUSPENDED


async def test_a_push_for_another_circle_leaves_this_socket_open(cookies):
    circle, people, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    await database_sync_to_async(realtime.close_user_sockets)(
        people["Ana"].pk, realtime.CLOSE_MEMBERSHIP_ENDED, circle.pk + 1000
    )
    await ana.send_json_to({"action": "ping"})
    assert (await receive_until(ana, "pong"))["type"] == "pong"
    await ana.disconnect()
