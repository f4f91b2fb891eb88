"""A membership ends in one place, whatever the reason, and the circle's rules hold after.

Every way of leaving runs against every circle state; after each, the rules
of docs/decisions 0001-0004 are checked: seats counted right, exactly one
facilitator while members remain, active circles at or above the minimum,
paused ones below it, forming circles that cannot start dissolved, the right
people told, and chat told to close the person's sockets for the circle.
(A suspension does not end memberships, so it is not one of the ways.)
"""

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.data_rights import delete_account
from accounts.models import Profile
from connect.chat.realtime import CLOSE_MEMBERSHIP_ENDED, user_group
from connect.circles.models import (
    MIN_CIRCLE_SIZE,
    Circle,
    Invitation,
    Membership,
    MembershipEndReason,
)
from connect.circles.services.lifecycle import (
    DISSOLVED_PRIORITY_ROUNDS,
    membership_end,
    membership_leave,
)
from connect.circles.signals import membership_ended
from connect.moderation.models import ModerationAction
from connect.moderation.services import membership_end_and_rematch, moderation_action_take
from connect.notifications.models import Notification
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory

pytestmark = pytest.mark.django_db


def make_moderator():
    group = Group.objects.filter(name="Moderators").first()
    if group is None or not group.permissions.filter(codename="moderate").exists():
        migration = import_module(
            "connect.moderation.migrations.0003_moderators_group_and_audit_trigger"
        )
        migration.create_group(django_apps, None)
        group = Group.objects.get(name="Moderators")
    person = OnboardedUserFactory()
    person.groups.add(group)
    return person


# --- Circle states ----------------------------------------------------------------


@dataclass(frozen=True)
class State:
    status: str
    members: int
    pending: int = 0  # pending invitations (forming circles)


STATES = {
    # 2 accepted + 2 pending: one leaving means it can no longer reach four.
    "forming": State(Circle.Status.FORMING, members=2, pending=2),
    # 2 accepted + 3 pending: it can still start after one leaves.
    "forming_with_room": State(Circle.Status.FORMING, members=2, pending=3),
    "active_at_minimum": State(Circle.Status.ACTIVE, members=MIN_CIRCLE_SIZE),
    "active_above_minimum": State(Circle.Status.ACTIVE, members=MIN_CIRCLE_SIZE + 1),
    "paused": State(Circle.Status.PAUSED, members=MIN_CIRCLE_SIZE - 1),
    "paused_last_member": State(Circle.Status.PAUSED, members=1),
}


def build(state: State) -> Circle:
    fields = {"status": state.status}
    if state.status != Circle.Status.FORMING:
        fields["activated_at"] = timezone.now() - timedelta(days=30)
    if state.status == Circle.Status.PAUSED:
        fields["below_minimum_since"] = timezone.now() - timedelta(days=1)
    circle = CircleFactory(capacity=8, **fields)
    MembershipFactory(circle=circle, role=Membership.Role.FACILITATOR)
    for _ in range(state.members - 1):
        MembershipFactory(circle=circle)
    for _ in range(state.pending):
        Invitation.objects.create(
            circle=circle,
            user=OnboardedUserFactory(),
            expires_at=timezone.now() + timedelta(days=2),
        )
    circle.refresh_from_db()
    return circle


# --- Ways of leaving ---------------------------------------------------------------


def left(circle, person):
    membership_leave(person, circle.pk)


def removed_by_facilitator(circle, person):
    facilitator = circle.memberships.get(
        status=Membership.Status.ACTIVE, role=Membership.Role.FACILITATOR
    ).user
    moderation_action_take(
        facilitator, ModerationAction.Kind.REMOVE, reason="Unkind", user=person, circle=circle
    )


def removed_by_moderator(circle, person):
    moderation_action_take(
        make_moderator(), ModerationAction.Kind.REMOVE, reason="Threats", user=person, circle=circle
    )


def blocked_and_rematched(circle, person):
    membership_end_and_rematch(person, circle.pk)


def account_deleted(circle, person):
    delete_account(person)


WAYS = {
    "left": (left, MembershipEndReason.LEFT),
    "removed_by_facilitator": (removed_by_facilitator, MembershipEndReason.REMOVED),
    "removed_by_moderator": (removed_by_moderator, MembershipEndReason.REMOVED),
    "blocked_and_rematched": (blocked_and_rematched, MembershipEndReason.BLOCKED_REMATCH),
    "account_deleted": (account_deleted, MembershipEndReason.ACCOUNT_DELETED),
}

CASES = [
    pytest.param(way, state, who, id=f"{way}-{state}-{who}")
    for way in WAYS
    for state in STATES
    for who in ("facilitator", "member")
    # A facilitator cannot remove themselves, and a circle of one has no other member.
    if not (way == "removed_by_facilitator" and who == "facilitator")
    and not (STATES[state].members == 1 and who == "member")
    and not (way == "removed_by_facilitator" and STATES[state].members == 1)
]


@pytest.mark.parametrize(("way", "state", "who"), CASES)
def test_every_way_of_leaving_keeps_the_circle_rules(way, state, who, hooks):
    circle = build(STATES[state])
    members = list(circle.memberships.order_by("joined_at", "pk").select_related("user"))
    leaving = members[0] if who == "facilitator" else members[-1]
    person = leaving.user
    person_id = person.pk
    remaining = [m.user for m in members if m.pk != leaving.pk]
    leave, reason = WAYS[way]
    was_status = circle.status

    heard = []

    def record(sender, **kwargs):
        heard.append((kwargs["user_id"], kwargs["circle_id"], kwargs["reason"]))

    membership_ended.connect(record)
    layer = get_channel_layer()
    socket = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(person_id), socket)
    try:
        with hooks(execute=True):
            leave(circle, person)
    finally:
        membership_ended.disconnect(record)

    circle.refresh_from_db()
    active = Membership.objects.filter(circle=circle, status=Membership.Status.ACTIVE)
    pending = Invitation.objects.filter(circle=circle, status=Invitation.Status.PENDING)

    # The seat is free and counted right.
    assert not active.filter(user_id=person_id).exists()
    closed = circle.status == Circle.Status.CLOSED
    assert circle.member_count == active.count() == (0 if closed else len(remaining))

    # The circle's state follows the rules.
    if circle.status == Circle.Status.CLOSED:
        assert not active.exists() and not pending.exists()
    else:
        assert active.filter(role=Membership.Role.FACILITATOR).count() == 1
    if circle.status == Circle.Status.ACTIVE:
        assert circle.member_count >= MIN_CIRCLE_SIZE
    if circle.status == Circle.Status.PAUSED:
        assert circle.member_count < MIN_CIRCLE_SIZE and circle.below_minimum_since is not None
    if circle.status == Circle.Status.FORMING:
        assert circle.member_count + pending.count() >= MIN_CIRCLE_SIZE
    expected = {
        "forming": Circle.Status.CLOSED,
        "forming_with_room": Circle.Status.FORMING,
        "active_at_minimum": Circle.Status.PAUSED,
        "active_above_minimum": Circle.Status.ACTIVE,
        "paused": Circle.Status.PAUSED,
        "paused_last_member": Circle.Status.CLOSED,
    }[state]
    assert circle.status == expected, (was_status, circle.status)

    # The right people are told.
    titles = {
        u.pk: list(Notification.objects.filter(user=u).values_list("title", flat=True))
        for u in remaining
    }
    if state == "forming":
        for u in remaining:
            assert f"{circle.name} did not start" in titles[u.pk]
            profile = Profile.objects.get(user=u)
            assert profile.is_looking and profile.waiting_rounds >= DISSOLVED_PRIORITY_ROUNDS
    elif state == "active_at_minimum":
        for u in remaining:
            assert any("stay open or close?" in t for t in titles[u.pk])
    else:
        for u in remaining:
            assert not any("stay open or close?" in t or "did not start" in t for t in titles[u.pk])
    if who == "facilitator" and circle.status != Circle.Status.CLOSED:
        successor = remaining[0]  # the longest-standing member
        assert active.get(role=Membership.Role.FACILITATOR).user_id == successor.pk
        assert f"Would you facilitate {circle.name}?" in titles[successor.pk]
    if way.startswith("removed"):
        assert Notification.objects.filter(user_id=person_id, title__startswith="You were removed")
    if way == "blocked_and_rematched":
        assert Profile.objects.get(user_id=person_id).is_looking

    # Chat heard of it once, after commit, and told the person's sockets for the circle
    # (when the circle closed, so did everyone else's membership).
    others = [(u.pk, circle.pk, MembershipEndReason.CIRCLE_CLOSED) for u in remaining]
    assert heard == [(person_id, circle.pk, reason), *(others if closed else [])]
    frames = []
    while True:
        try:
            frames.append(async_to_sync(asyncio.wait_for)(layer.receive(socket), timeout=0.05))
        except TimeoutError:
            break
    assert {"type": "access.revoked", "code": CLOSE_MEMBERSHIP_ENDED, "circle_id": circle.pk} in (
        frames
    )


def test_ending_an_ended_membership_changes_nothing(hooks):
    circle = build(STATES["active_above_minimum"])
    membership = circle.memberships.filter(role=Membership.Role.MEMBER).first()
    with hooks(execute=True):
        membership_end(membership, MembershipEndReason.LEFT)
        membership_end(membership, MembershipEndReason.REMOVED)
    circle.refresh_from_db()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT
    assert circle.member_count == MIN_CIRCLE_SIZE


def test_a_moderator_removing_the_facilitator_hands_the_role_over_and_pauses(hooks):
    circle = build(STATES["active_at_minimum"])
    facilitator = circle.memberships.get(role=Membership.Role.FACILITATOR)
    with hooks(execute=True):
        moderation_action_take(
            make_moderator(),
            ModerationAction.Kind.REMOVE,
            reason="Threats",
            user=facilitator.user,
            circle=circle,
        )
    circle.refresh_from_db()
    remaining = circle.memberships.filter(status=Membership.Status.ACTIVE)
    assert circle.member_count == remaining.count() == 3
    assert remaining.filter(role=Membership.Role.FACILITATOR).count() == 1
    assert circle.status == Circle.Status.PAUSED
