"""The review queue: grouping by target, ordering, context and history."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from connect.moderation import queue
from connect.moderation.models import CrisisAlert, ModerationAction, Report
from tests.factories import OnboardedUserFactory


def report(reporter, target_type, target_id, reason="spam", ago=0):
    r = Report.objects.create(
        reporter=reporter, target_type=target_type, target_id=target_id, reason=reason
    )
    Report.objects.filter(pk=r.pk).update(created_at=timezone.now() - timedelta(hours=ago))
    return r


def test_several_reports_on_one_target_are_one_item(member, other_member, circle, post):
    message = post(member, "bad")
    reporters = [OnboardedUserFactory() for _ in range(3)]
    for person in reporters:
        report(person, "message", message.pk, "harassment")
    report(reporters[0], "member", other_member.pk, "hate")
    items = queue.report_groups()
    assert {(i.target_type, i.target_id): i.count for i in items} == {
        ("message", message.pk): 3,
        ("member", other_member.pk): 1,
    }
    grouped = next(i for i in items if i.target_type == "message")
    assert grouped.reasons == ["Harassment"] and "in Tuesday evening circle" in grouped.label


def test_orderings(member, other_member, circle):
    third = OnboardedUserFactory()
    a, b, c = member, other_member, third
    report(c, "member", a.pk, ago=10)  # a: oldest single
    report(a, "member", b.pk, ago=1)  # b: newest, reported twice
    report(c, "member", b.pk, ago=2)
    report(a, "circle", circle.pk, ago=5)
    ids = lambda order: [(i.target_type, i.target_id) for i in queue.report_groups(order)]  # noqa: E731
    assert ids("newest")[0] == ("member", b.pk)
    assert ids("oldest")[0] == ("member", a.pk)
    assert ids("most")[0] == ("member", b.pk)
    assert ids("oldest") == [("member", a.pk), ("circle", circle.pk), ("member", b.pk)]


def test_closed_reports_leave_the_queue(member, other_member):
    r = report(member, "member", other_member.pk)
    Report.objects.filter(pk=r.pk).update(status=Report.Status.DISMISSED)
    assert queue.report_groups() == []


def test_queue_page_lists_alerts_first_and_groups(
    client, moderator, member, other_member, post, django_assert_max_num_queries
):
    message = post(member, "I want to end my life")
    CrisisAlert.objects.create(message=message, circle=message.circle, phrases=["end my life"])
    for _ in range(2):
        report(other_member, "member", member.pk)
    for _ in range(3):
        report(OnboardedUserFactory(), "message", post(member, "spam").pk)
    client.force_login(moderator)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("moderation:queue"), {"order": "most"}).content.decode()
    assert body.index("Crisis alert") < body.index("Reports")
    assert body.count('class="queue-item"') == 4


def test_queue_page_query_count_does_not_grow_with_items(
    client, moderator, member, circle, post, django_assert_max_num_queries
):
    client.force_login(moderator)
    for _ in range(12):
        report(OnboardedUserFactory(), "message", post(member).pk)
        report(OnboardedUserFactory(), "circle", circle.pk)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("moderation:queue"))
    assert response.content.decode().count('class="queue-item"') == 13


def test_queue_item_shows_context_and_history(client, moderator, member, other_member, post):
    before = post(other_member, "message before")
    reported = post(member, "the reported words")
    after = post(other_member, "message after")
    report(other_member, "message", reported.pk, "harassment")
    old = report(other_member, "member", member.pk, "hate")
    Report.objects.filter(pk=old.pk).update(status=Report.Status.ACTIONED)
    ModerationAction.objects.create(
        kind="warn", actor_id=moderator.pk, target_user_id=member.pk, reason="Earlier warning"
    )
    client.force_login(moderator)
    body = client.get(
        reverse("moderation:queue_item", args=["message", reported.pk])
    ).content.decode()
    assert body.index(before.body) < body.index(reported.body) < body.index(after.body)
    assert "Earlier warning" in body
    assert "Hate" in body  # the earlier report on the person


def test_queue_is_for_moderators_only(client, facilitator, member):
    client.force_login(facilitator)
    assert client.get(reverse("moderation:queue")).status_code == 403
    assert client.get(reverse("moderation:audit")).status_code == 403
