"""The chat's rules, tested on the services and selectors directly."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connect.chat import selectors, services
from connect.chat.mentions import mentioned_ids
from connect.chat.models import MAX_MESSAGE_LENGTH, Message, ReadState
from connect.chat.signals import message_posted
from connect.circles.services.lifecycle import membership_end
from connect.moderation.models import Report
from connect.moderation.services import REPORTS_PER_HOUR
from connect.notifications.models import Notification
from connect.notifications.selectors import notification_preference_for
from connect.safety.models import Block, Mute, Suspension
from tests.factories import MembershipFactory
from tests.outbox import email_of

pytestmark = pytest.mark.django_db


def test_post_saves_raw_text_and_sends_the_signal(circle_members):
    circle, people = circle_members
    seen = []

    def receiver(sender, message, **kwargs):
        seen.append(message.pk)

    message_posted.connect(receiver)
    try:
        posted = services.message_post(people["Ana"], circle.pk, "  <b>hi</b> & bye  ")
    finally:
        message_posted.disconnect(receiver)
    assert posted.message.body == "<b>hi</b> & bye"
    assert seen == [posted.message.pk]
    assert posted.crisis is False


def test_crisis_language_flags_but_never_blocks(circle_members):
    circle, people = circle_members
    posted = services.message_post(people["Ana"], circle.pk, "some days I want to die")
    assert posted.crisis is True
    assert Message.objects.filter(pk=posted.message.pk).exists()


@pytest.mark.parametrize("body", ["", "   ", 42, None, "x" * (MAX_MESSAGE_LENGTH + 1)])
def test_bad_bodies_are_refused_and_nothing_saved(circle_members, body):
    circle, people = circle_members
    with pytest.raises(services.ChatError):
        services.message_post(people["Ana"], circle.pk, body)
    assert not Message.objects.exists()


def test_exactly_the_limit_is_fine(circle_members):
    circle, people = circle_members
    services.message_post(people["Ana"], circle.pk, "x" * MAX_MESSAGE_LENGTH)


def test_non_members_suspended_and_muted_cannot_post(circle_members, member_user):
    circle, people = circle_members
    with pytest.raises(services.ChatError) as e:
        services.message_post(member_user, circle.pk, "hi")
    assert e.value.code == selectors.NOT_MEMBER
    Mute.objects.create(
        circle=circle, user=people["Ben"], ends_at=timezone.now() + timedelta(hours=1), reason="x"
    )
    with pytest.raises(services.ChatError) as e:
        services.message_post(people["Ben"], circle.pk, "hi")
    assert e.value.code == selectors.MUTED
    assert selectors.can_read(selectors.chat_access(people["Ben"], circle.pk))
    Suspension.objects.create(user=people["Cy"], starts_at=timezone.now(), reason="x")
    with pytest.raises(services.ChatError) as e:
        services.message_post(people["Cy"], circle.pk, "hi")
    assert e.value.code == selectors.SUSPENDED
    assert not Message.objects.exists()


def test_rate_limit_ten_per_ten_seconds(circle_members):
    circle, people = circle_members
    for i in range(10):
        services.message_post(people["Ana"], circle.pk, f"m{i}")
    with pytest.raises(services.ChatError) as e:
        services.message_post(people["Ana"], circle.pk, "one too many")
    assert e.value.code == "rate_limited"
    assert Message.objects.count() == 10
    # Someone else is not slowed down by Ana.
    services.message_post(people["Ben"], circle.pk, "hello")


def test_edit_own_within_fifteen_minutes(circle_members):
    circle, people = circle_members
    message = services.message_post(people["Ana"], circle.pk, "helo").message
    edited = services.message_edit(people["Ana"], circle.pk, message.pk, "hello")
    assert edited.body == "hello" and edited.edited_at is not None
    with pytest.raises(services.ChatError) as e:
        services.message_edit(people["Ben"], circle.pk, message.pk, "mine now")
    assert e.value.code == "not_found"
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(services.ChatError) as e:
        services.message_edit(people["Ana"], circle.pk, message.pk, "too late")
    assert e.value.code == "edit_window"


def test_delete_own_only_and_not_twice(circle_members):
    circle, people = circle_members
    message = services.message_post(people["Ana"], circle.pk, "oops").message
    with pytest.raises(services.ChatError):
        services.message_delete(people["Ben"], circle.pk, message.pk)
    deleted = services.message_delete(people["Ana"], circle.pk, message.pk)
    assert deleted.deleted_at is not None
    with pytest.raises(services.ChatError) as e:
        services.message_delete(people["Ana"], circle.pk, message.pk)
    assert e.value.code == "gone"
    with pytest.raises(services.ChatError):
        services.message_edit(people["Ana"], circle.pk, message.pk, "back")


def test_report_creates_a_moderation_report_and_is_rate_limited(circle_members):
    circle, people = circle_members
    count = REPORTS_PER_HOUR + 2
    # Saved directly: posting this many would trip the message rate limit.
    ana = people["Ana"]
    ids = [Message.objects.create(circle=circle, author=ana, body=f"m{i}").pk for i in range(count)]
    report = services.message_report(people["Ben"], circle.pk, ids[0], "harassment", "mean")
    assert (report.target_type, report.target_id, report.reporter) == (
        "message",
        ids[0],
        people["Ben"],
    )
    # The same open report is not duplicated.
    assert services.message_report(people["Ben"], circle.pk, ids[0], "harassment").pk == report.pk
    for message_id in ids[1:REPORTS_PER_HOUR]:
        services.message_report(people["Ben"], circle.pk, message_id, "spam")
    with pytest.raises(services.ChatError) as e:
        services.message_report(people["Ben"], circle.pk, ids[REPORTS_PER_HOUR], "spam")
    assert e.value.code == "rate_limited"
    assert Report.objects.count() == REPORTS_PER_HOUR
    with pytest.raises(services.ChatError):
        services.message_report(people["Ana"], circle.pk, ids[-1], "spam")  # own message
    with pytest.raises(services.ChatError):
        services.message_report(people["Cy"], circle.pk, ids[-1], "not-a-reason")


def test_mentions_by_display_name_notify_in_app_and_email_only_if_chosen(circle_members):
    circle, people = circle_members
    pref = notification_preference_for(people["Cy"])
    pref.email_kinds = [*pref.email_kinds, "mention"]
    pref.save()
    services.message_post(people["Ana"], circle.pk, "@ben and @Cy, see you! @Ana @nobody")
    notes = {n.user_id: n for n in Notification.objects.filter(kind="mention")}
    assert set(notes) == {people["Ben"].pk, people["Cy"].pk}
    assert email_of("notification", notes[people["Ben"].pk].pk) is None
    assert email_of("notification", notes[people["Cy"].pk].pk) is not None
    assert "Ana" in notes[people["Ben"].pk].title
    assert f"/chat/{circle.pk}/" in notes[people["Ben"].pk].url


def test_mentions_prefer_the_longest_name_and_skip_blocked_people(circle_members):
    assert mentioned_ids("hi @Sam Lee!", {1: "Sam", 2: "Sam Lee"}) == {2}
    assert mentioned_ids("@Sam Lee and @sam", {1: "Sam", 2: "Sam Lee"}) == {1, 2}
    assert mentioned_ids("email me@sam.org", {1: "Sam"}) == set()
    circle, people = circle_members
    Block.objects.create(blocker=people["Ben"], blocked=people["Ana"])
    services.message_post(people["Ana"], circle.pk, "@Ben hello")
    assert not Notification.objects.filter(kind="mention").exists()


def test_blocked_pair_never_see_each_other_in_history(circle_members):
    circle, people = circle_members
    a = services.message_post(people["Ana"], circle.pk, "from Ana").message
    b = services.message_post(people["Ben"], circle.pk, "from Ben").message
    Block.objects.create(blocker=people["Ana"], blocked=people["Ben"])
    assert [m.pk for m in selectors.message_page(people["Ana"], circle.pk)[0]] == [a.pk]
    assert [m.pk for m in selectors.message_page(people["Ben"], circle.pk)[0]] == [b.pk]
    assert {m.pk for m in selectors.message_page(people["Cy"], circle.pk)[0]} == {a.pk, b.pk}


def test_cursor_pagination_before_and_after(circle_members, settings):
    settings.CONNECT_CHAT_RATE = (1000, 10)
    circle, people = circle_members
    ids = [services.message_post(people["Ana"], circle.pk, str(i)).message.pk for i in range(60)]
    latest, more = selectors.message_page(people["Ben"], circle.pk)
    assert [m.pk for m in latest] == ids[10:] and more
    earlier, more = selectors.message_page(people["Ben"], circle.pk, before=ids[10])
    assert [m.pk for m in earlier] == ids[:10] and not more
    missed, more = selectors.message_page(people["Ben"], circle.pk, after=ids[5], limit=20)
    assert [m.pk for m in missed] == ids[6:26] and more


def test_unread_counts_and_total_for_the_dashboard(circle_members, django_assert_num_queries):
    circle, people = circle_members
    other = MembershipFactory(user=people["Ben"]).circle
    MembershipFactory(circle=other, user=people["Cy"])
    for i in range(3):
        services.message_post(people["Ana"], circle.pk, f"a{i}")
    services.message_post(people["Cy"], other.pk, "c")
    services.message_post(people["Ben"], circle.pk, "my own does not count")
    with django_assert_num_queries(2):
        counts = selectors.unread_counts_for(people["Ben"])
    assert counts == {circle.pk: 3, other.pk: 1}
    assert selectors.unread_total_for(people["Ben"]) == 4
    services.read_marker_move(people["Ben"], circle.pk)
    assert selectors.unread_counts_for(people["Ben"]) == {other.pk: 1}
    # Blocked authors' messages are not counted.
    Block.objects.create(blocker=people["Ben"], blocked=people["Cy"])
    assert selectors.unread_total_for(people["Ben"]) == 0


def test_unread_counts_only_for_active_memberships(circle_members):
    circle, people = circle_members
    services.message_post(people["Ana"], circle.pk, "hello")
    membership_end(people["Ben"].memberships.get(circle=circle))
    assert selectors.unread_counts_for(people["Ben"]) == {}


def test_presence_lists_online_members_without_blocked_people(circle_members):
    from connect.chat import presence

    circle, people = circle_members
    presence.mark_online(circle.pk, people["Ana"].pk, "chan-a")
    presence.mark_online(circle.pk, people["Ben"].pk, "chan-b")
    assert [p["name"] for p in selectors.online_members(circle.pk)] == ["Ana", "Ben"]
    presence.mark_offline(circle.pk, people["Ben"].pk, "some-older-socket")
    assert len(selectors.online_members(circle.pk)) == 2  # a newer socket holds the key
    presence.mark_offline(circle.pk, people["Ben"].pk, "chan-b")
    assert [p["name"] for p in selectors.online_members(circle.pk)] == ["Ana"]
    Block.objects.create(blocker=people["Cy"], blocked=people["Ana"])
    assert selectors.online_members(circle.pk, viewer_id=people["Cy"].pk) == []


def test_typing_is_throttled_server_side(circle_members):
    circle, people = circle_members
    assert services.typing_may_announce(people["Ana"].pk, circle.pk)
    assert not services.typing_may_announce(people["Ana"].pk, circle.pk)
    assert services.typing_may_announce(people["Ben"].pk, circle.pk)


def test_privacy_export_and_erase(circle_members):
    from connect.chat import presence
    from connect.chat.privacy import erase_personal_data, export_personal_data

    circle, people = circle_members
    message = services.message_post(people["Ana"], circle.pk, "my words").message
    services.read_marker_move(people["Ana"], circle.pk)
    presence.mark_online(circle.pk, people["Ana"].pk, "chan")
    data = export_personal_data(people["Ana"])
    assert [m["body"] for m in data["messages"]] == ["my words"]
    assert data["read_states"] == [{"circle_id": circle.pk, "last_read_id": message.pk}]
    erase_personal_data(people["Ana"])
    assert not ReadState.objects.filter(user=people["Ana"]).exists()
    assert selectors.online_members(circle.pk) == []
    people["Ana"].delete()
    message.refresh_from_db()
    assert message.author is None and message.body == "my words"
    from connect.chat.payloads import message_payload

    assert message_payload(message)["author_name"] == "former member"


def test_chat_access_matches_the_moderation_rules(circle_members):
    """chat_access folds the suspension and mute checks into one query; it must
    agree with connect.moderation.selectors for current, ended and lifted ones."""
    circle, people = circle_members
    now = timezone.now()
    ana, ben, cy = people["Ana"], people["Ben"], people["Cy"]
    Suspension.objects.create(
        user=ana, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1), reason="x"
    )
    Suspension.objects.create(user=ana, starts_at=now + timedelta(days=1), reason="later, not yet")
    Mute.objects.create(circle=circle, user=ana, ends_at=now - timedelta(minutes=1), reason="x")
    Mute.objects.create(
        circle=circle, user=ben, ends_at=now + timedelta(hours=1), lifted_at=now, reason="x"
    )
    Suspension.objects.create(user=cy, starts_at=now, ends_at=now + timedelta(days=1), reason="x")
    assert selectors.chat_access(ana, circle.pk) == selectors.OK
    assert selectors.chat_access(ben, circle.pk) == selectors.OK
    assert selectors.chat_access(cy, circle.pk) == selectors.SUSPENDED
    other = MembershipFactory().circle
    assert selectors.chat_access(ana, other.pk) == selectors.NOT_MEMBER
    assert selectors.chat_access(cy, other.pk) == selectors.SUSPENDED


def test_rate_limit_window_opens_at_the_first_message(circle_members, monkeypatch):
    from connect.chat import ratelimit

    clock = [1_000_009.5]  # half a second before a wall-clock 10 s boundary
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    assert all(ratelimit.hit("t", 1, 10, 10) for _ in range(10))
    clock[0] += 1  # past the boundary: still the same window
    assert not ratelimit.hit("t", 1, 10, 10)
    clock[0] += 9  # ten seconds after the first: a new window
    assert ratelimit.hit("t", 1, 10, 10)
