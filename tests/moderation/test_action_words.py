"""Moderation pages speak plainly: choices say what they will do, a mute or
suspension defaults to a day, the audit log names people and circles (never
an email), and a facilitator hides a message by choosing it."""

import re

from django.urls import reverse

from connect.chat.models import Message
from connect.moderation.models import ModerationAction, Report


def _choices(body: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="[^"]*"[^>]*>\s*([^<]+)<', body)


def test_queue_choices_say_what_they_will_do(client, moderator, member, other_member, post):
    message = post(member, "buy my pills")
    Report.objects.create(
        reporter=other_member, target_type="message", target_id=message.pk, reason="spam"
    )
    client.force_login(moderator)
    body = client.get(reverse("moderation:queue_item", args=["message", message.pk])).content
    body = body.decode()
    labels = [label.strip() for label in _choices(body, "kind")]
    assert labels == [
        "Dismiss the reports",
        "Send a warning",
        "Hide the message",
        "Mute in a circle",
        "Remove from the circle",
        "Suspend the account",
    ]
    assert "Message hidden" not in body
    # A day is chosen until the moderator picks otherwise; "indefinite" is never the default.
    assert re.search(r'<option value="24" selected>24 hours</option>', body)
    assert "Indefinitely" not in body


def test_audit_log_names_people_and_circles_without_emails(
    client, moderator, facilitator, member, circle, post
):
    message = post(member, "nasty words")
    client.force_login(facilitator)
    client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {"kind": "hide_message", "message": message.pk, "reason": "Unkind"},
    )
    entry = ModerationAction.objects.get()
    client.force_login(moderator)
    body = client.get(reverse("moderation:audit")).content.decode()
    assert f"{facilitator.display_name} (#{facilitator.pk}) (facilitator)" in body
    assert f"{member.display_name} (#{member.pk})" in body
    assert f"{circle.name} (#{circle.pk})" in body
    assert "@" not in body.split("<main", 1)[1].split("</main>")[0]
    assert entry.reason in body


def test_facilitator_hides_a_message_by_choosing_it(client, facilitator, member, circle, post):
    message = post(member, "nasty words")
    client.force_login(facilitator)
    page = client.get(reverse("moderation:circle", args=[circle.pk])).content.decode()
    assert "Message number" not in page
    hide_link = f'href="?message={message.pk}#act-h"'
    assert hide_link in page
    chosen = client.get(
        reverse("moderation:circle", args=[circle.pk]), {"message": message.pk}
    ).content.decode()
    assert f'<option value="{message.pk}" selected>{member.display_name}: nasty words' in chosen
    assert re.search(r'value="hide_message"[^>]*checked', chosen)
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {"kind": "hide_message", "message": message.pk, "reason": "Unkind"},
    )
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).hidden_at is not None


def test_facilitator_cannot_choose_another_circles_message(client, facilitator, circle, post, db):
    from tests.factories import MembershipFactory

    elsewhere = MembershipFactory()
    from connect.chat import services as chat

    other = chat.message_post(elsewhere.user, elsewhere.circle_id, "elsewhere").message
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {"kind": "hide_message", "message": other.pk, "reason": "x"},
    )
    assert response.status_code == 400
    assert Message.objects.get(pk=other.pk).hidden_at is None
