"""Appeals: only on one's own action, back to the queue, decided with a reason."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connect.access import AccessDenied
from connect.moderation.models import Appeal, ModerationAction
from connect.moderation.services import (
    ModerationError,
    appeal_create,
    appeal_decide,
    appeal_link_token,
    moderation_action_take,
)
from connect.notifications.models import Notification
from connect.safety.models import Mute
from connect.safety.selectors import is_muted, is_suspended

Action = ModerationAction.Kind


@pytest.fixture
def mute_action(facilitator, member, circle):
    return moderation_action_take(
        facilitator,
        Action.MUTE,
        reason="Shouting",
        user=member,
        circle=circle,
        ends_at=timezone.now() + timedelta(hours=3),
    ).action


def test_appeal_goes_to_the_queue_and_can_be_overturned(
    client, moderator, member, circle, mute_action
):
    client.force_login(member)
    page = client.get(reverse("moderation:my_actions")).content.decode()
    assert "Shouting" in page and reverse("moderation:appeal", args=[mute_action.pk]) in page
    response = client.post(
        reverse("moderation:appeal", args=[mute_action.pk]), {"text": "I was quoting a song"}
    )
    assert response.status_code == 200 and "appeal was sent" in response.content.decode()
    appeal = Appeal.objects.get()

    client.force_login(moderator)
    queue_page = client.get(reverse("moderation:queue")).content.decode()
    assert reverse("moderation:appeal_review", args=[appeal.pk]) in queue_page
    response = client.post(
        reverse("moderation:appeal_review", args=[appeal.pk]),
        {"decision": "overturn", "reason": "It was a song lyric"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.OVERTURNED
    assert not is_muted(member.pk, circle.pk)
    assert Mute.objects.get().lifted_at is not None
    entry = ModerationAction.objects.get(kind=Action.APPEAL_OVERTURNED)
    assert entry.appeal_id == appeal.pk and entry.actor_id == moderator.pk
    assert Notification.objects.filter(user=member, title="Your appeal was accepted").exists()


def test_upheld_appeal_keeps_the_action(moderator, member, circle, mute_action):
    appeal = appeal_create(member, mute_action, "please")
    appeal_decide(moderator, appeal, overturn=False, reason="The guidelines were broken")
    assert is_muted(member.pk, circle.pk)
    assert Appeal.objects.get().status == Appeal.Status.UPHELD


def test_appeal_on_someone_elses_action_is_refused(client, other_member, mute_action):
    client.force_login(other_member)
    response = client.post(
        reverse("moderation:appeal", args=[mute_action.pk]), {"text": "let them talk"}
    )
    assert response.status_code == 404
    assert Appeal.objects.count() == 0


def test_appeal_needs_text_and_only_one_at_a_time(client, member, mute_action):
    client.force_login(member)
    url = reverse("moderation:appeal", args=[mute_action.pk])
    response = client.post(url, {"text": ""})
    assert response.status_code == 400 and Appeal.objects.count() == 0
    client.post(url, {"text": "first"})
    response = client.post(url, {"text": "second"})
    assert response.status_code == 400
    assert "already have an appeal" in response.content.decode()
    assert Appeal.objects.count() == 1


def test_deciding_needs_a_reason_and_a_moderator(facilitator, moderator, member, mute_action):
    appeal = appeal_create(member, mute_action, "please")
    with pytest.raises(ModerationError):
        appeal_decide(moderator, appeal, overturn=True, reason="")

    with pytest.raises(AccessDenied):
        appeal_decide(facilitator, appeal, overturn=True, reason="I changed my mind")
    assert Appeal.objects.get().status == Appeal.Status.OPEN
    assert not ModerationAction.objects.filter(kind__startswith="appeal").exists()


def test_suspended_person_appeals_through_the_signed_link(client, moderator, member):
    action = moderation_action_take(moderator, Action.SUSPEND, reason="Spam", user=member).action
    url = reverse("moderation:appeal_by_link", args=[appeal_link_token(action.pk)])
    assert client.get(url).status_code == 200
    client.post(url, {"text": "My account was hacked"})
    appeal = Appeal.objects.get()
    assert appeal.appellant == member and appeal.action == action
    appeal_decide(moderator, appeal, overturn=True, reason="Hacked account, restored")
    assert not is_suspended(member.pk)


def test_forged_appeal_link_is_refused(client):
    assert client.get(reverse("moderation:appeal_by_link", args=["1:forged"])).status_code == 404
