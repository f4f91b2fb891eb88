"""Janus itself refuses whoever has no live pass for the room (a real Janus, no mock).

A member's pass joins; a forged token, another circle's member's token, an
expired pass and a removed or suspended member are refused by Janus, and a
member removed or suspended while in the room is put out within 5 seconds.
"""

import secrets
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.data_rights import delete_account, export_all
from connect.access import AccessDenied
from connect.circles.models import Membership
from connect.moderation.services import moderation_action_take
from connect.video import janus as janus_api
from connect.video.models import VideoPass, VideoRoom
from connect.video.services import video_pass_issue, video_rooms_close
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory
from tests.moderation.conftest import moderators_group
from tests.video.conftest import live_meetup
from tests.video.janus_client import Participant, Refused

pytestmark = [pytest.mark.janus, pytest.mark.django_db(transaction=True)]

KICK_WITHIN_S = 5.0


def admin(server):
    return janus_api.Server(server.url, server.admin_url, server.admin_secret)


def joined(config, display):
    participant = Participant(config.server, config.token)
    participant.join(config.room, config.participant_id, display)
    return participant


def in_room(server, room):
    return {p["id"] for p in admin(server).room_participants(room)}


def put_out_within(server, participant, config, seconds=KICK_WITHIN_S) -> float:
    """Seconds until ``participant`` is out of the room and its session is gone."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        gone = config.participant_id not in in_room(server, config.room)
        try:
            participant.keepalive()
        except Refused:
            if gone:
                return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"still in the room after {seconds} s")


def test_member_joins_and_janus_refuses_forged_and_other_rooms_tokens(janus, video_circle):
    circle, people, meetup = video_circle
    ann = video_pass_issue(people["ann"], meetup.pk)
    assert ann.server == janus.url and ann.display == "Ann"
    joined(ann, "Ann")
    assert ann.participant_id in in_room(janus, ann.room)

    # A forged token: Janus refuses the very first request.
    with pytest.raises(Refused) as refused:
        Participant(janus.url, "forged-" + secrets.token_urlsafe(32))
    assert refused.value.code == janus_api.UNAUTHORIZED

    # A member of another circle holds a live token, for their own room only.
    other_circle = CircleFactory(capacity=6)
    stranger = MembershipFactory(
        circle=other_circle, user=OnboardedUserFactory(onboarded__display_name="Sam")
    ).user
    theirs = video_pass_issue(stranger, live_meetup(other_circle).pk)
    assert theirs.room != ann.room
    intruder = Participant(janus.url, theirs.token)  # a valid token for Janus's core…
    with pytest.raises(Refused) as refused:
        intruder.join(ann.room, 424242, "Sam")  # …that this room's allowed list refuses
    assert refused.value.code == janus_api.NOT_ALLOWED
    assert in_room(janus, ann.room) == {ann.participant_id}

    # Someone outside the circle gets no pass at all.
    with pytest.raises(AccessDenied):
        video_pass_issue(stranger, meetup.pk)


def test_a_pass_expires_when_the_room_closes(janus, video_circle):
    circle, people, meetup = video_circle
    ann = video_pass_issue(people["ann"], meetup.pk)
    joined(ann, "Ann")
    room = VideoRoom.objects.get(occurrence=meetup)

    assert video_rooms_close(now=room.closes_at + timedelta(seconds=1)) == 1
    assert not admin(janus).room_exists(ann.room)
    assert ann.token not in admin(janus).tokens()
    with pytest.raises(Refused) as refused:
        Participant(janus.url, ann.token)
    assert refused.value.code == janus_api.UNAUTHORIZED
    assert not VideoPass.objects.filter(revoked_at__isnull=True).exists()


def test_a_removed_member_is_put_out_within_5_seconds(janus, video_circle):
    circle, people, meetup = video_circle
    ann = video_pass_issue(people["ann"], meetup.pk)
    ben = video_pass_issue(people["ben"], meetup.pk)
    ann_in, ben_in = joined(ann, "Ann"), joined(ben, "Ben")
    assert in_room(janus, ann.room) == {ann.participant_id, ben.participant_id}

    started = time.monotonic()
    moderation_action_take(
        people["fay"], "remove", reason="Repeated insults", user=people["ben"], circle=circle
    )
    put_out_within(janus, ben_in, ben, KICK_WITHIN_S - (time.monotonic() - started))
    assert in_room(janus, ann.room) == {ann.participant_id}
    ann_in.keepalive()  # the others stay

    with pytest.raises(Refused) as refused:  # the old token opens nothing
        Participant(janus.url, ben.token)
    assert refused.value.code == janus_api.UNAUTHORIZED
    with pytest.raises(AccessDenied):  # and no new pass
        video_pass_issue(people["ben"], meetup.pk)
    assert not Membership.objects.filter(user=people["ben"], status="active").exists()


def test_a_suspended_member_is_put_out_within_5_seconds(janus, video_circle):
    circle, people, meetup = video_circle
    moderator = OnboardedUserFactory()
    moderator.groups.add(moderators_group())
    ann = video_pass_issue(people["ann"], meetup.pk)
    ann_in = joined(ann, "Ann")

    started = time.monotonic()
    moderation_action_take(
        moderator,
        "suspend",
        reason="Threats",
        user=people["ann"],
        ends_at=timezone.now() + timedelta(days=3),
    )
    put_out_within(janus, ann_in, ann, KICK_WITHIN_S - (time.monotonic() - started))
    with pytest.raises(Refused):
        Participant(janus.url, ann.token)
    with pytest.raises(AccessDenied):
        video_pass_issue(people["ann"], meetup.pk)


def test_a_browser_that_joins_under_another_id_is_still_put_out(janus, video_circle):
    """The kick follows the token Janus saw, not the id or name the browser chose."""
    circle, people, meetup = video_circle
    ben = video_pass_issue(people["ben"], meetup.pk)
    sneaky = Participant(janus.url, ben.token)
    sneaky.join(ben.room, 999_999, "Someone else")
    moderation_action_take(
        people["fay"], "remove", reason="Left the circle's rules", user=people["ben"], circle=circle
    )
    deadline = time.monotonic() + KICK_WITHIN_S
    while 999_999 in in_room(janus, ben.room):
        assert time.monotonic() < deadline, "still in the room"
        time.sleep(0.1)
    with pytest.raises(Refused):
        sneaky.keepalive()


def test_the_page_changes_nothing_and_join_posts_for_the_pass(janus, video_circle, client):
    circle, people, meetup = video_circle
    client.force_login(people["ann"])
    page = client.get(f"/video/meetup/{meetup.pk}/")
    assert page.status_code == 200
    assert not VideoRoom.objects.exists() and not VideoPass.objects.exists()  # GET: nothing
    body = page.content.decode()
    assert 'id="video-page"' in body and f'action="/video/meetup/{meetup.pk}/pass/"' in body
    policy = page["Content-Security-Policy"]
    connect_src = next(p for p in policy.split(";") if p.strip().startswith("connect-src"))
    assert f"http://127.0.0.1:{janus.port}" in connect_src
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    response = client.post(f"/video/meetup/{meetup.pk}/pass/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    video_pass = VideoPass.objects.get(user=people["ann"])
    data = response.json()
    assert (data["token"], data["room"], data["display"], data["server"]) == (
        video_pass.token,
        meetup.pk,
        "Ann",
        janus.url,
    )
    # Asking again (a reload) keeps the same pass: one live pass per member and room.
    assert client.post(f"/video/meetup/{meetup.pk}/pass/").json()["token"] == video_pass.token
    assert VideoPass.objects.filter(user=people["ann"]).count() == 1


def test_deleting_the_account_puts_the_person_out_and_kills_the_token(janus, video_circle):
    circle, people, meetup = video_circle
    ben = video_pass_issue(people["ben"], meetup.pk)
    ben_in = joined(ben, "Ben")
    assert export_all(people["ben"])["sections"]["video"]["video_room_passes"][0]["meetup"] == (
        meetup.series.title
    )
    delete_account(people["ben"])
    put_out_within(janus, ben_in, ben)
    with pytest.raises(Refused):
        Participant(janus.url, ben.token)
    assert not VideoPass.objects.exists()
