"""Every moderation action and its effect, and who may take which action."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from connect.access import AccessDenied
from connect.chat.models import Message
from connect.chat.realtime import (
    CLOSE_MEMBERSHIP_ENDED,
    CLOSE_SUSPENDED,
    circle_group,
    user_group,
)
from connect.circles.models import Membership
from connect.moderation.models import ModerationAction, Report
from connect.moderation.services import ModerationError, moderation_action_take
from connect.notifications.models import Notification
from connect.safety.models import ModerationWarning, Mute
from connect.safety.selectors import is_muted, is_suspended

Action = ModerationAction.Kind


def listen(user_id):
    """A channel in the person's group, like an open chat socket."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user_id), channel)
    return layer, channel


def test_mute_blocks_sending_at_once(circle, facilitator, member):
    assert not is_muted(member.pk, circle.pk)
    moderation_action_take(
        facilitator,
        Action.MUTE,
        reason="Repeated insults",
        user=member,
        circle=circle,
        ends_at=timezone.now() + timedelta(hours=2),
    )
    # The chat consumer re-checks this selector before every send.
    assert is_muted(member.pk, circle.pk)
    assert Mute.objects.get(user=member).created_by == facilitator
    note = Notification.objects.get(user=member)
    assert "muted" in note.title and "Repeated insults" in note.body
    assert note.url == reverse("moderation:appeal", args=[ModerationAction.objects.get().pk])


def test_mute_ends_at_its_end_time(circle, facilitator, member):
    moderation_action_take(
        facilitator,
        Action.MUTE,
        reason="Cool down",
        user=member,
        circle=circle,
        ends_at=timezone.now() + timedelta(hours=1),
    )
    Mute.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    assert not is_muted(member.pk, circle.pk)


def test_suspension_logs_out_and_closes_sockets(
    client, moderator, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    assert Session.objects.count() == 1
    layer, channel = listen(member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_action_take(
            moderator, Action.SUSPEND, reason="Threats", user=member, ends_at=None
        )
    assert is_suspended(member.pk)
    assert Session.objects.count() == 0  # the web session is gone at once
    pushed = async_to_sync(layer.receive)(channel)
    assert pushed == {"type": "access.revoked", "code": CLOSE_SUSPENDED, "circle_id": None}
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    # The email holds a signed appeal link, since the person cannot log in.
    note = Notification.objects.get(user=member)
    assert note.url.startswith("/safety/appeal/") and "until further notice" in note.title


def test_suspension_with_end_time(moderator, member):
    ends = timezone.now() + timedelta(days=7)
    moderation_action_take(moderator, Action.SUSPEND, reason="Spam", user=member, ends_at=ends)
    assert is_suspended(member.pk)
    assert ModerationAction.objects.get().ends_at == ends


def test_removal_frees_the_seat_and_closes_the_circle_socket(
    circle, facilitator, member, django_capture_on_commit_callbacks
):
    circle.refresh_from_db()
    seats = circle.member_count
    layer, channel = listen(member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_action_take(
            facilitator, Action.REMOVE, reason="Harassment", user=member, circle=circle
        )
    circle.refresh_from_db()
    assert circle.member_count == seats - 1
    assert Membership.objects.get(user=member).status == Membership.Status.REMOVED
    pushed = async_to_sync(layer.receive)(channel)
    assert pushed["code"] == CLOSE_MEMBERSHIP_ENDED and pushed["circle_id"] == circle.pk


def test_hide_message(circle, facilitator, member, post, django_capture_on_commit_callbacks):
    message = post(member, "something cruel")
    layer = get_channel_layer()
    chat_socket = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(circle_group(circle.pk), chat_socket)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_action_take(facilitator, Action.HIDE_MESSAGE, reason="Unkind", message=message)
    message.refresh_from_db()
    assert message.hidden_at is not None and message.hidden_by == facilitator
    entry = ModerationAction.objects.get()
    assert entry.message_id == message.pk and entry.target_user_id == member.pk
    # Open chats drop the text at once: the circle's sockets get the hidden state.
    pushed = async_to_sync(layer.receive)(chat_socket)
    assert pushed["kind"] == "message_updated"
    assert pushed["message"]["id"] == message.pk
    assert pushed["message"]["state"] == "hidden" and pushed["message"]["body"] == ""


def test_warning_must_be_acknowledged(client, moderator, member):
    result = moderation_action_take(moderator, Action.WARN, reason="Please be kind", user=member)
    client.force_login(member)
    response = client.get(reverse("dashboard"))
    warning_url = reverse("moderation:warning", args=[result.warning.pk])
    assert response.status_code == 302 and response["Location"] == warning_url
    assert "Please be kind" in client.get(warning_url).content.decode()
    client.post(warning_url)
    assert ModerationWarning.objects.get().acknowledged_at is not None
    assert client.get(reverse("dashboard")).status_code == 200
    # The crisis page stays reachable while a warning waits.
    moderation_action_take(moderator, Action.WARN, reason="Second warning", user=member)
    assert client.get(reverse("crisis")).status_code == 200


def test_dismiss_resolves_reports_and_tells_reporter_in_general_words(moderator, member, circle):
    reporter = Membership.objects.filter(circle=circle).exclude(user=member).first()
    report = Report.objects.create(
        reporter=reporter.user if reporter else moderator,
        target_type="member",
        target_id=member.pk,
        reason="spam",
    )
    moderation_action_take(moderator, Action.DISMISS, reason="Not a breach", reports=[report])
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED and report.resolved_at
    assert ModerationAction.objects.get().report_ids == [report.pk]


def test_actioned_report_outcome_never_names_the_action(moderator, member, other_member):
    report = Report.objects.create(
        reporter=other_member, target_type="member", target_id=member.pk, reason="harassment"
    )
    moderation_action_take(
        moderator,
        Action.SUSPEND,
        reason="Secret reason text",
        user=member,
        reports=[report],
    )
    note = Notification.objects.get(user=other_member)
    assert note.title == "Your report was reviewed"
    assert "took action" in note.body
    assert "Secret reason text" not in note.body and "suspend" not in note.body.lower()
    # The acted-on person is never told who reported them.
    told = Notification.objects.get(user=member)
    assert other_member.display_name not in told.body and other_member.email not in told.body


# --- Bad input: clear errors, nothing changed ----------------------------------


def nothing_changed(member, circle):
    assert ModerationAction.objects.count() == 0
    assert not is_muted(member.pk, circle.pk)
    assert not is_suspended(member.pk)
    assert Membership.objects.get(user=member, circle=circle).status == "active"


def test_action_without_reason_is_refused(moderator, member, circle):
    with pytest.raises(ModerationError, match="reason"):
        moderation_action_take(moderator, Action.SUSPEND, reason="   ", user=member)
    nothing_changed(member, circle)


def test_facilitator_cannot_suspend_or_warn(facilitator, member, circle):
    for kind in (Action.SUSPEND, Action.WARN):
        with pytest.raises(AccessDenied, match="Only a site moderator"):
            moderation_action_take(facilitator, kind, reason="x", user=member, circle=circle)
    nothing_changed(member, circle)


def test_facilitator_mute_is_at_most_24_hours(facilitator, member, circle):
    with pytest.raises(AccessDenied, match="24 hours"):
        moderation_action_take(
            facilitator,
            Action.MUTE,
            reason="x",
            user=member,
            circle=circle,
            ends_at=timezone.now() + timedelta(hours=25),
        )
    nothing_changed(member, circle)


def test_facilitator_only_in_their_own_circle(facilitator, circle):
    from tests.factories import MembershipFactory

    stranger = MembershipFactory()
    with pytest.raises(AccessDenied):
        moderation_action_take(
            facilitator, Action.REMOVE, reason="x", user=stranger.user, circle=stranger.circle
        )
    assert Membership.objects.get(pk=stranger.pk).status == "active"


def test_plain_member_cannot_act(member, other_member, circle):
    with pytest.raises(AccessDenied):
        moderation_action_take(member, Action.REMOVE, reason="x", user=other_member, circle=circle)
    assert ModerationAction.objects.count() == 0


def test_facilitator_suspend_through_the_page_is_forbidden(client, facilitator, member, circle):
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {"kind": "suspend", "person": member.pk, "reason": "x"},
    )
    assert response.status_code == 403
    nothing_changed(member, circle)


def test_page_without_reason_shows_error(client, facilitator, member, circle):
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {"kind": "remove", "person": member.pk, "circle": circle.pk, "reason": ""},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    nothing_changed(member, circle)


def test_facilitator_mutes_through_the_page(client, facilitator, member, circle):
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {
            "kind": "mute",
            "person": member.pk,
            "circle": circle.pk,
            "duration": "8",
            "reason": "Cool down",
        },
    )
    assert response.status_code == 302
    assert is_muted(member.pk, circle.pk)
    assert ModerationAction.objects.get().actor_role == "facilitator"


def test_facilitator_hides_a_message_through_the_page(client, facilitator, member, circle, post):
    message = post(member, "nasty words")
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation:circle", args=[circle.pk]),
        {"kind": "hide_message", "message": message.pk, "reason": "Unkind"},
    )
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).hidden_at is not None


def test_moderator_acts_from_the_queue(client, moderator, member, other_member, circle, post):
    message = post(member, "buy my pills")
    for _ in range(2):
        Report.objects.create(
            reporter=other_member, target_type="message", target_id=message.pk, reason="spam"
        )
    client.force_login(moderator)
    url = reverse("moderation:queue_item", args=["message", message.pk])
    response = client.post(url, {"kind": "hide_message", "reason": "Selling"})
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).hidden_at is not None
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    entry = ModerationAction.objects.get()
    assert sorted(entry.report_ids) == sorted(Report.objects.values_list("pk", flat=True))


def test_queue_action_without_reason_changes_nothing(client, moderator, member, other_member):
    Report.objects.create(
        reporter=other_member, target_type="member", target_id=member.pk, reason="spam"
    )
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:queue_item", args=["member", member.pk]),
        {"kind": "suspend", "reason": ""},
    )
    assert response.status_code == 400
    assert not is_suspended(member.pk)
    assert Report.objects.get().status == "open"


def test_moderator_acts_on_a_member_of_a_reported_circle(
    client, moderator, facilitator, member, other_member, circle
):
    Report.objects.create(
        reporter=other_member, target_type="circle", target_id=circle.pk, reason="unsafe_meeting"
    )
    client.force_login(moderator)
    url = reverse("moderation:queue_item", args=["circle", circle.pk])
    page = client.get(url).content.decode()
    assert facilitator.display_name in page  # the moderator picks whose conduct it was
    response = client.post(
        url,
        {"kind": "remove", "person": facilitator.pk, "circle": circle.pk, "reason": "Unsafe venue"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=facilitator).status == Membership.Status.REMOVED
    assert Report.objects.get().status == Report.Status.ACTIONED


def test_moderator_warns_from_the_queue(client, moderator, member, other_member):
    Report.objects.create(
        reporter=other_member, target_type="member", target_id=member.pk, reason="harassment"
    )
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:queue_item", args=["member", member.pk]),
        {"kind": "warn", "reason": "Please keep it kind"},
    )
    assert response.status_code == 302
    assert ModerationWarning.objects.get(user=member).text == "Please keep it kind"


def test_facilitator_cannot_use_the_queue(client, facilitator, member, other_member, circle):
    Report.objects.create(
        reporter=other_member, target_type="member", target_id=member.pk, reason="spam"
    )
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation:queue_item", args=["member", member.pk]),
        {"kind": "suspend", "reason": "x"},
    )
    assert response.status_code == 403
    nothing_changed(member, circle)
    assert Report.objects.get().status == Report.Status.OPEN
