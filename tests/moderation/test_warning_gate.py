"""An unread warning stops every write until it is read; safety actions stay open."""

from django.urls import reverse

from connect.chat.models import Message
from connect.moderation.models import ModerationAction, Report
from connect.moderation.services import moderation_action_take
from connect.safety.models import Block, ModerationWarning

Action = ModerationAction.Kind


def warn(moderator, person):
    return moderation_action_take(
        moderator, Action.WARN, reason="Please be kind", user=person
    ).warning


def test_hole_8_unread_warning_refuses_writes_with_a_link_to_it(client, moderator, member, circle):
    warning = warn(moderator, member)
    warning_url = reverse("moderation:warning", args=[warning.pk])
    client.force_login(member)
    response = client.post(reverse("chat:send", args=[circle.pk]), {"body": "hello"})
    assert response.status_code == 403
    assert f'href="{warning_url}"' in response.content.decode()
    assert not Message.objects.exists()
    # htmx requests are sent on to the warning too.
    response = client.post(
        reverse("chat:send", args=[circle.pk]), {"body": "hello"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403 and response["HX-Redirect"] == warning_url
    assert not Message.objects.exists()
    for method in (client.put, client.patch, client.delete):
        assert method(reverse("notifications:mark_all_read")).status_code == 403
    # Once read, writing works again.
    client.post(warning_url)
    client.post(reverse("chat:send", args=[circle.pk]), {"body": "hello"})
    assert Message.objects.count() == 1


def test_safety_actions_stay_open_while_a_warning_waits(client, moderator, member, other_member):
    warning = warn(moderator, member)
    client.force_login(member)
    client.post(
        reverse("moderation:report"),
        {"target_type": "member", "target_id": other_member.pk, "reason": "harassment"},
    )
    assert Report.objects.count() == 1
    client.post(reverse("moderation:block"), {"user_id": other_member.pk})
    assert Block.objects.count() == 1
    client.post(reverse("moderation:unblock", args=[other_member.pk]))
    assert Block.objects.count() == 0
    appeal = client.post(
        reverse("moderation:appeal", args=[warning.action_id]), {"text": "I was quoting"}
    )
    assert appeal.status_code == 200
    assert client.post(reverse("moderation:warning", args=[warning.pk])).status_code == 302
    assert ModerationWarning.objects.get().acknowledged_at is not None


def test_logging_out_works_while_a_warning_waits(client, moderator, member):
    warn(moderator, member)
    client.force_login(member)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
