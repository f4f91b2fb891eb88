"""Every chat socket action by every role, with the database compared before
and after each action: a refused role changes nothing, an allowed one changes
exactly what the action is for, and no socket is ever closed with 1011."""

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.utils import timezone

from connect.chat import realtime
from connect.chat.models import Message, ReadState
from connect.circles.models import Membership
from connect.moderation.models import Report
from connect.notifications.models import Notification
from connect.safety.models import Block, ModerationWarning, Mute, Suspension
from tests.chat.conftest import make_communicator, receive_until, session_cookie
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

ACTIONS = ("send", "edit", "delete", "report", "history", "read", "typing", "ping")

# Roles refused when connecting, with the close code they get.
REFUSED = {
    "anonymous": realtime.CLOSE_NOT_AUTHENTICATED,
    "seeker": realtime.CLOSE_NOT_A_MEMBER,
    "other_circle_member": realtime.CLOSE_NOT_A_MEMBER,
    "moderator_not_member": realtime.CLOSE_NOT_A_MEMBER,
    "suspended_member": realtime.CLOSE_SUSPENDED,
    "member_without_agreements": realtime.CLOSE_NOT_AGREED,
}

MSG, REP, READ = "messages", "reports", "read_states"
# For roles that connect: per action, (the reply frame type or error code, what changes).
_MEMBER = {
    "send": ("ack", {MSG}),
    "edit": ("message_updated", {MSG}),
    "delete": ("message_updated", {MSG}),
    "report": ("reported", {REP}),
    "history": ("history", set()),
    "read": (None, {READ}),
    "typing": (None, set()),
    "ping": ("pong", set()),
}
ALLOWED = {
    "member": _MEMBER,
    "facilitator": _MEMBER,
    "muted_member": {
        **_MEMBER,
        "send": ("error:muted", set()),
        "edit": ("error:muted", set()),
    },
    "warned_member": {
        **_MEMBER,
        "send": ("error:warning_pending", set()),
        "edit": ("error:warning_pending", set()),
        "delete": ("error:warning_pending", set()),
    },
    # The actor and Ben are in a block: Ben's message is as good as missing.
    "blocked_pair": {**_MEMBER, "report": ("error:not_found", set())},
}


def snapshot() -> dict:
    """Row counts and the rows a chat action could change."""
    return {
        MSG: sorted(
            Message.objects.values_list("id", "author_id", "body", "edited_at", "deleted_at")
        ),
        REP: sorted(Report.objects.values_list("id", "target_type", "target_id", "reporter_id")),
        READ: sorted(ReadState.objects.values_list("user_id", "circle_id", "last_read_id")),
        "notifications": Notification.objects.count(),
        "blocks": Block.objects.count(),
        "memberships": sorted(Membership.objects.values_list("id", "status")),
    }


def changed(before: dict, after: dict) -> set:
    return {key for key in before if before[key] != after[key]}


def build(role: str) -> dict:
    """A circle (Ben and Fay with messages) and the actor for ``role``."""
    circle = CircleFactory()
    ben = OnboardedUserFactory(onboarded__display_name="Ben", onboarded__topics={})
    MembershipFactory(circle=circle, user=ben)
    actor = None
    if role != "anonymous":
        actor = OnboardedUserFactory(onboarded__display_name="Actor", onboarded__topics={})
    if role in ALLOWED or role in ("suspended_member", "member_without_agreements"):
        kind = Membership.Role.FACILITATOR if role == "facilitator" else Membership.Role.MEMBER
        MembershipFactory(circle=circle, user=actor, role=kind)
    if role == "other_circle_member":
        MembershipFactory(user=actor)
    if role == "moderator_not_member":
        actor.groups.add(Group.objects.get(name="Moderators"))
    if role == "suspended_member":
        Suspension.objects.create(user=actor, starts_at=timezone.now(), reason="x")
    if role == "member_without_agreements":
        actor.profile.adult_confirmed_at = None
        actor.profile.save()
    if role == "muted_member":
        Mute.objects.create(
            circle=circle, user=actor, ends_at=timezone.now() + timedelta(hours=1), reason="x"
        )
    if role == "blocked_pair":
        Block.objects.create(blocker=ben, blocked=actor)
    bens = Message.objects.create(circle=circle, author=ben, body="Ben's words")
    own = None
    if role in ALLOWED:
        own = Message.objects.create(circle=circle, author=actor, body="actor's words")
    if role == "warned_member":
        ModerationWarning.objects.create(user=actor, action_id=1, text="Be kind.")
    target = own.pk if own else bens.pk
    return {
        "circle": circle.pk,
        "cookie": session_cookie(actor) if actor else None,
        "frames": {
            "send": {"action": "send", "body": "matrix"},
            "edit": {"action": "edit", "id": target, "body": "edited"},
            "delete": {"action": "delete", "id": target},
            "report": {"action": "report", "id": bens.pk, "reason": "spam"},
            "history": {"action": "history", "after": 0},
            "read": {"action": "read", "id": bens.pk},
            "typing": {"action": "typing"},
            "ping": {"action": "ping"},
        },
    }


def label(frame: dict) -> str | None:
    if frame["type"] == "error":
        return f"error:{frame['code']}"
    if frame["type"] in ("ack", "message_updated", "reported", "history"):
        return frame["type"]
    return None


async def replies(comm, wanted: str | None) -> list[dict]:
    """The frames answering what was just sent: read up to the pong of a ping
    sent after it and, since broadcasts may come after the pong (over Redis),
    until the wanted reply too. Presence, typing and new-message broadcasts
    are left out."""
    await comm.send_json_to({"action": "ping"})
    frames, pong = [], False
    while not pong or (wanted and wanted not in [label(f) for f in frames]):
        frame = json.loads(await comm.receive_from(timeout=10))
        if frame["type"] == "pong":
            pong = True
        elif frame["type"] not in ("presence", "typing", "message"):
            frames.append(frame)
    return frames


@pytest.mark.parametrize("role", list(REFUSED))
async def test_refused_roles_change_nothing_with_any_action(role):
    world = await database_sync_to_async(build)(role)
    for action in ACTIONS:
        before = await database_sync_to_async(snapshot)()
        comm = make_communicator(world["circle"], world["cookie"])
        ok, _ = await comm.connect()
        assert ok
        while True:
            output = await comm.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                break
        assert output["code"] == REFUSED[role], (role, action)
        # Frames sent anyway before the socket is gone are not acted on.
        await comm.send_json_to(world["frames"][action])
        await comm.send_json_to({"action": "ping"})
        await comm.disconnect()  # re-raises anything the consumer raised
        after = await database_sync_to_async(snapshot)()
        assert after == before, (role, action)


@pytest.mark.parametrize("role", list(ALLOWED))
async def test_members_actions_change_only_what_they_are_for(role):
    world = await database_sync_to_async(build)(role)
    comm = make_communicator(world["circle"], world["cookie"])
    ok, _ = await comm.connect()
    assert ok
    ready = await receive_until(comm, "ready")
    assert ready["muted"] is (role == "muted_member")
    for action in ACTIONS:
        expected_reply, expected_change = ALLOWED[role][action]
        before = await database_sync_to_async(snapshot)()
        if action == "ping":
            expected_reply = None  # its pong is the fence itself
        await comm.send_json_to(world["frames"][action])
        frames = await replies(comm, expected_reply)
        after = await database_sync_to_async(snapshot)()
        assert [label(f) for f in frames] == ([expected_reply] if expected_reply else []), (
            role,
            action,
            frames,
        )
        assert changed(before, after) == expected_change, (role, action)
        if action == "history":
            bodies = [m["body"] for m in frames[0]["messages"]]
            assert ("Ben's words" in bodies) is (role != "blocked_pair")
    await comm.disconnect()
