"""Safety rules on the chat WebSocket: blocks reach open sockets at once,
malformed frames never crash the consumer, agreements and unread warnings gate
writes, and reports see only what the chat shows."""

import json

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone

from connect.chat import realtime, services
from connect.chat.models import Message
from connect.moderation.models import Report
from connect.safety.models import ModerationWarning
from connect.safety.services import block_create, block_delete
from tests.chat.conftest import connected, make_communicator, receive_until

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

dba = database_sync_to_async


async def frames_until(comm, predicate, timeout=10):
    """Every frame up to and including the first one ``predicate`` accepts."""
    seen = []
    while True:
        frame = json.loads(await comm.receive_from(timeout=timeout))
        seen.append(frame)
        if predicate(frame):
            return seen


def message_with(body):
    return lambda f: f["type"] == "message" and f["message"]["body"] == body


def presence_names(frame):
    return {p["name"] for p in frame["online"]}


async def ping_pong(comm):
    await comm.send_json_to({"action": "ping"})
    assert (await receive_until(comm, "pong"))["type"] == "pong"


# --- Hole 7: a block reaches open sockets at once ---------------------------


async def test_hole_7_block_and_unblock_reach_open_sockets_without_a_ping(cookies):
    circle, people, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    ben, _ = await connected(circle.pk, c["Ben"])
    cy, _ = await connected(circle.pk, c["Cy"])
    await frames_until(ana, lambda f: f["type"] == "presence" and len(f["online"]) == 3)

    await dba(block_create)(people["Ana"], people["Ben"])
    # Everything Cy says now reaches Ana after the block event was handled.
    await cy.send_json_to({"action": "send", "body": "marker"})
    before_marker = await frames_until(ana, message_with("marker"))
    presences = [f for f in before_marker if f["type"] == "presence"]
    assert presences and "Ben" not in presence_names(presences[-1])
    assert "Ana" in presence_names(presences[-1]) and "Cy" in presence_names(presences[-1])

    # Neither sees the other's words or typing from now on.
    await ben.send_json_to({"action": "typing"})
    await ben.send_json_to({"action": "send", "body": "from Ben"})
    ben_frames = await frames_until(ben, lambda f: f["type"] == "ack")
    await cy.send_json_to({"action": "send", "body": "from Cy"})
    frames = await frames_until(ana, message_with("from Cy"))
    assert not [f for f in frames if f["type"] in ("message", "typing")][:-1]
    await ana.send_json_to({"action": "send", "body": "from Ana"})
    await receive_until(ana, "ack")
    await cy.send_json_to({"action": "send", "body": "from Cy again"})
    ben_frames += await frames_until(ben, message_with("from Cy again"))
    bodies = [f["message"]["body"] for f in ben_frames if f["type"] == "message"]
    assert "from Ana" not in bodies
    presences = [f for f in ben_frames if f["type"] == "presence"]
    assert presences and "Ana" not in presence_names(presences[-1])

    # Lifting the block shows each to the other again, also at once.
    await dba(block_delete)(people["Ana"], people["Ben"].pk)
    frames = await frames_until(
        ana, lambda f: f["type"] == "presence" and "Ben" in presence_names(f)
    )
    await ben.send_json_to({"action": "send", "body": "Ben again"})
    assert (await receive_until(ana, "message"))["message"]["body"] == "Ben again"
    for comm in (ana, ben, cy):
        await comm.disconnect()


async def test_hole_7_the_blocked_side_is_told_too(cookies):
    """The person blocked (not only the blocker) stops seeing the blocker."""
    circle, people, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    ben, _ = await connected(circle.pk, c["Ben"])
    await dba(block_create)(people["Ben"], people["Ana"])
    await ana.send_json_to({"action": "send", "body": "not for Ben"})
    await receive_until(ana, "ack")
    await ana.send_json_to({"action": "typing"})
    await ping_pong(ana)  # Ana's typing went out before the pong
    await ben.send_json_to({"action": "send", "body": "Ben's own"})
    frames = await frames_until(ben, message_with("Ben's own"))
    assert [f["message"]["body"] for f in frames if f["type"] == "message"] == ["Ben's own"]
    assert not [f for f in frames if f["type"] == "typing"]
    await ana.disconnect()
    await ben.disconnect()


# --- Hole 11: malformed frames never crash the consumer ---------------------

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"action": "read", "id": ' + str(10**30) + "}", "invalid"),
        ('{"action": "read", "id": ' + str(2**63) + "}", "invalid"),
        ('{"action": "read", "id": -1}', "invalid"),
        ('{"action": "read", "id": 1.5}', "invalid"),
        ('{"action": "edit", "id": ' + str(2**63) + ', "body": "x"}', "invalid"),
        ('{"action": "delete", "id": ' + str(10**30) + "}", "invalid"),
        ('{"action": "report", "id": ' + str(2**63) + ', "reason": "spam"}', "invalid"),
        ('{"action": "report", "id": 1, "reason": ["spam"]}', "invalid"),
        ('{"action": "report", "id": 1, "reason": {"a": 1}}', "invalid"),
        ('{"action": "report", "id": 1, "reason": "spam", "note": 5}', "invalid"),
        ('{"action": "history", "after": ' + str(2**63) + "}", "invalid"),
        ('{"action": "history", "before": ' + str(10**30) + "}", "invalid"),
        ('{"action": "history", "after": {"x": []}}', "invalid"),
        ('{"action": "send", "body": "\\ud800 lone surrogate"}', "invalid"),
        ('{"action": "send", "body": "nul \\u0000 inside"}', "invalid"),
        ('{"action": "send", "body": ' + DEEP + "}", "malformed"),
        (DEEP, "malformed"),
        ('{"action": "send", "body": "x", "client_id": ' + DEEP[:1000] + DEEP[-1000:] + "}", None),
    ],
)
async def test_hole_11_malformed_frames_get_an_error_and_the_socket_lives(cookies, raw, code):
    circle, _, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    await ana.send_to(text_data=raw)
    if code is not None:
        assert (await receive_until(ana, "error"))["code"] == code
    await ping_pong(ana)
    await ana.send_json_to({"action": "send", "body": "still works"})
    assert (await receive_until(ana, "message"))["message"]["body"] == "still works"
    await ana.disconnect()


async def test_hole_11_an_unexpected_failure_answers_an_error_frame(cookies, monkeypatch):
    """The last-resort guard: a bug in a handler is logged and answered, never a 1011."""
    circle, _, c = cookies

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "read_marker_move", broken)
    ana, _ = await connected(circle.pk, c["Ana"])
    await ana.send_json_to({"action": "read", "id": 1})
    assert (await receive_until(ana, "error"))["code"] == "server_error"
    await ping_pong(ana)
    await ana.disconnect()


# --- Hole 3: no chat before the agreements ----------------------------------


def _unagree(user, **fields):
    profile = user.profile
    for key, value in (fields or {"adult_confirmed_at": None}).items():
        setattr(profile, key, value)
    profile.save()


async def test_hole_3_member_without_agreements_gets_an_error_frame_and_4412(cookies):
    circle, people, c = cookies
    await dba(_unagree)(people["Cy"])
    comm = make_communicator(circle.pk, c["Cy"])
    ok, _ = await comm.connect()
    assert ok
    error = json.loads(await comm.receive_from(timeout=10))
    assert error["type"] == "error" and error["code"] == "not_agreed"
    assert "18 or over" in error["message"]
    assert error["url"] == reverse("onboarding_step", args=["agreements"])
    frame = await comm.receive_output(timeout=10)
    assert frame == {"type": "websocket.close", "code": realtime.CLOSE_NOT_AGREED}


async def test_hole_3_guidelines_changed_after_connecting_closes_on_next_send(cookies):
    circle, people, c = cookies
    cy, _ = await connected(circle.pk, c["Cy"])
    await dba(_unagree)(people["Cy"], guidelines_version="2000-01")
    await cy.send_json_to({"action": "send", "body": "hello"})
    assert (await receive_until(cy, "error"))["code"] == "not_agreed"
    frame = await cy.receive_output(timeout=10)
    assert frame == {"type": "websocket.close", "code": realtime.CLOSE_NOT_AGREED}
    assert await dba(Message.objects.count)() == 0


# --- Hole 8: an unread warning refuses socket writes ------------------------


def _warn(user):
    return ModerationWarning.objects.create(user=user, action_id=1, text="Please be kind.")


async def test_hole_8_unread_warning_refuses_socket_writes_with_a_link(cookies):
    circle, people, c = cookies
    ana, _ = await connected(circle.pk, c["Ana"])
    await ana.send_json_to({"action": "send", "body": "before the warning"})
    mine = (await receive_until(ana, "ack"))["id"]
    other = await dba(
        lambda: Message.objects.create(circle=circle, author=people["Ben"], body="Ben's words").pk
    )()
    warning = await dba(_warn)(people["Ana"])
    url = reverse("moderation:warning", args=[warning.pk])
    for frame in (
        {"action": "send", "body": "after the warning"},
        {"action": "edit", "id": mine, "body": "changed"},
        {"action": "delete", "id": mine},
    ):
        await ana.send_json_to(frame)
        error = await receive_until(ana, "error")
        assert error["code"] == "warning_pending" and error["url"] == url
        assert "read it first" in error["message"].lower()
    message = await dba(Message.objects.get)(pk=mine)
    assert (message.body, message.deleted_at, message.edited_at) == (
        "before the warning",
        None,
        None,
    )
    assert await dba(Message.objects.count)() == 2

    # Typing is silently not announced; reporting stays open (a safety action).
    cy, _ = await connected(circle.pk, c["Cy"])
    await ana.send_json_to({"action": "typing"})
    await ana.send_json_to({"action": "report", "id": other, "reason": "harassment"})
    assert (await receive_until(ana, "reported"))["id"] == other
    await ben_says(circle, people["Ben"], "marker2")
    frames = await frames_until(cy, message_with("marker2"))
    assert not [f for f in frames if f["type"] == "typing"]

    # Once read, writing works again.
    await dba(ModerationWarning.objects.filter(pk=warning.pk).update)(
        acknowledged_at=timezone.now()
    )
    await ana.send_json_to({"action": "send", "body": "after reading"})
    await receive_until(ana, "ack")
    await ana.disconnect()
    await cy.disconnect()


async def ben_says(circle, ben, body):
    """Post as Ben (the service publishes it to open sockets on commit)."""
    await dba(services.message_post)(ben, circle.pk, body)


# --- Hole 1 (chat): reports see only what the chat shows --------------------


async def test_hole_1_socket_report_of_blocked_deleted_or_hidden_answers_like_missing(cookies):
    circle, people, c = cookies

    def setup():
        ben = people["Ben"]
        made = {
            kind: Message.objects.create(circle=circle, author=author, body=f"secret {kind}")
            for kind, author in (
                ("blocked", people["Ana"]),
                ("deleted", ben),
                ("hidden", ben),
                ("fine", ben),
            )
        }
        Message.objects.filter(pk=made["deleted"].pk).update(deleted_at=timezone.now())
        Message.objects.filter(pk=made["hidden"].pk).update(hidden_at=timezone.now())
        block_create(people["Ana"], people["Cy"])
        return {k: m.pk for k, m in made.items()}

    ids = await dba(setup)()
    missing = max(ids.values()) + 1000
    cy, _ = await connected(circle.pk, c["Cy"])
    await cy.send_json_to({"action": "report", "id": missing, "reason": "spam"})
    expected = await receive_until(cy, "error")
    for kind in ("blocked", "deleted", "hidden"):
        await cy.send_json_to({"action": "report", "id": ids[kind], "reason": "spam"})
        error = await receive_until(cy, "error")
        assert error == expected, kind
        assert "secret" not in json.dumps(error)
    await cy.send_json_to({"action": "report", "id": ids["fine"], "reason": "spam"})
    assert (await receive_until(cy, "reported"))["id"] == ids["fine"]
    assert await dba(Report.objects.count)() == 1
    await cy.disconnect()


@pytest.fixture
def cookies(circle_members):
    from tests.chat.conftest import session_cookie

    circle, people = circle_members
    return circle, people, {name: session_cookie(user) for name, user in people.items()}


# --- A moderator's action reaches the reader's open socket at once ------------


async def test_mute_unmute_warning_and_reading_it_reach_the_open_socket(cookies):
    """Muting publishes an event on commit, like every other moderation action:
    the muted person's socket says so at once (their composer hides) instead
    of at their next refused send; lifting it on appeal, a warning and reading
    that warning do the same. Other people's sockets hear nothing of it."""
    from datetime import timedelta

    from connect.moderation.models import ModerationAction
    from connect.moderation.services import (
        appeal_create,
        appeal_decide,
        moderation_action_take,
        warning_acknowledge,
    )
    from tests.circles.test_lifecycle import make_moderator

    circle, people, c = cookies
    cy, ready = await connected(circle.pk, c["Cy"])
    ben, _ = await connected(circle.pk, c["Ben"])
    assert ready["muted"] is False
    moderator = await dba(make_moderator)()

    result = await dba(moderation_action_take)(
        moderator,
        ModerationAction.Kind.MUTE,
        reason="Cooling off",
        user=people["Cy"],
        circle=circle,
        ends_at=timezone.now() + timedelta(hours=1),
    )
    access = await receive_until(cy, "access")
    assert access["muted"] is True and "muted" in access["message"]

    appeal = await dba(appeal_create)(people["Cy"], result.action, "I was calm.")
    await dba(appeal_decide)(moderator, appeal, True, "Fair point.")
    access = await receive_until(cy, "access")
    assert access == {
        "type": "access",
        "muted": False,
        "warning_pending": False,
        "message": "",
        "url": None,
    }

    warned = await dba(moderation_action_take)(
        moderator, ModerationAction.Kind.WARN, reason="Please be kind.", user=people["Cy"]
    )
    access = await receive_until(cy, "access")
    assert access["warning_pending"] is True
    assert access["url"] == reverse("moderation:warning", args=[warned.warning.pk])

    await dba(warning_acknowledge)(people["Cy"], warned.warning)
    access = await receive_until(cy, "access")
    assert (access["muted"], access["warning_pending"]) == (False, False)

    # Ben heard none of it: his next frame is the next message.
    await ben_says(circle, people["Ana"], "after all that")
    frames = await frames_until(ben, message_with("after all that"))
    assert not [f for f in frames if f["type"] == "access"]
    await cy.disconnect()
    await ben.disconnect()
