"""The facilitator's "microphone off in the video room" goes through the
moderation service: refused to plain members, audited, not mailed. (Its effect
on a real Janus is checked in tests/video/test_browser.py.)"""

import pytest
from django.urls import reverse

from connect.access import AccessDenied
from connect.moderation.models import ModerationAction
from connect.moderation.services import moderation_action_take
from connect.notifications.models import Notification


def test_facilitator_turns_a_microphone_off_from_the_safety_page(client, video_circle):
    circle, people, meetup = video_circle
    client.force_login(people["fay"])
    page = client.get(reverse("moderation:circle", args=[circle.pk])).content.decode()
    assert "Turn their microphone off in the video room" in page
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {
            "kind": "video_mute",
            "person": people["ann"].pk,
            "circle": circle.pk,
            "reason": "Loud background noise",
        },
    )
    assert response.status_code == 302
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.actor_role, entry.target_user_id) == (
        "video_mute",
        "facilitator",
        people["ann"].pk,
    )
    # Over when the room closes: not mailed, not appealable.
    assert not Notification.objects.filter(user=people["ann"]).exists()
    assert not entry.is_appealable


def test_a_plain_member_cannot_turn_someone_off(video_circle):
    circle, people, meetup = video_circle
    with pytest.raises(AccessDenied):
        moderation_action_take(
            people["ben"], "video_mute", reason="x", user=people["ann"], circle=circle
        )
    assert not ModerationAction.objects.exists()


def test_the_circle_is_required(client, video_circle):
    circle, people, meetup = video_circle
    client.force_login(people["fay"])
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {"kind": "video_mute", "person": people["ann"].pk, "reason": "Noise"},
    )
    assert response.status_code == 400
    assert not ModerationAction.objects.exists()
