"""Reporting follows the chat's own visibility rules: nothing a person cannot
see can be reported, and the form never shows it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from connect.circles.models import Circle, Membership
from connect.moderation import queue
from connect.moderation.models import Report
from connect.safety.models import Block
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def normalised(response) -> str:
    """The page without its per-request CSRF token (everything else must match)."""
    return CSRF.sub(r"\1", response.content.decode())


def report_page(client, target_type, target_id):
    return client.get(reverse("moderation:report"), {"type": target_type, "id": target_id})


def report_post(client, target_type, target_id):
    return client.post(
        reverse("moderation:report"),
        {"target_type": target_type, "target_id": target_id, "reason": "harassment"},
    )


def assert_like_missing(client, target_type, target_id):
    missing_get = report_page(client, target_type, 10**9)
    missing_post = report_post(client, target_type, 10**9)
    got = report_page(client, target_type, target_id)
    posted = report_post(client, target_type, target_id)
    assert got.status_code == missing_get.status_code == 404
    assert normalised(got) == normalised(missing_get)
    assert posted.status_code == missing_post.status_code == 404
    assert normalised(posted) == normalised(missing_post)


def test_hole_1_blocked_person_cannot_read_a_message_through_the_report_form(
    client, member, other_member, post
):
    message = post(member, "something only my friends should read")
    Block.objects.create(blocker=member, blocked=other_member)
    client.force_login(other_member)
    assert "only my friends" not in report_page(client, "message", message.pk).content.decode()
    assert_like_missing(client, "message", message.pk)
    # The other direction too: the blocker does not see the blocked person's messages.
    theirs = post(other_member, "a message from the blocked person")
    client.force_login(member)
    assert_like_missing(client, "message", theirs.pk)
    assert Report.objects.count() == 0


def test_hole_1_hidden_and_deleted_messages_answer_like_missing_ones(
    client, member, other_member, post
):
    hidden = post(other_member, "hidden by a facilitator")
    hidden.hidden_at = timezone.now()
    hidden.save()
    deleted = post(other_member, "deleted by its author")
    deleted.deleted_at = timezone.now()
    deleted.save()
    client.force_login(member)
    for message in (hidden, deleted):
        assert_like_missing(client, "message", message.pk)
    assert Report.objects.count() == 0


def test_hole_1_a_message_of_a_circle_i_left_answers_like_missing(
    client, member, other_member, post
):
    message = post(other_member, "said after I left")
    Membership.objects.filter(user=member).update(status=Membership.Status.LEFT)
    client.force_login(member)
    assert_like_missing(client, "message", message.pk)


def test_hole_1_a_circle_nobody_can_browse_answers_like_missing(client, member_user):
    forming = CircleFactory(name="Secret forming circle", status=Circle.Status.FORMING)
    closed = CircleFactory(name="Closed long ago", status=Circle.Status.CLOSED)
    client.force_login(member_user)
    for circle in (forming, closed):
        assert_like_missing(client, "circle", circle.pk)
    # A member of a circle that is forming may still report it.
    MembershipFactory(circle=forming, user=member_user)
    assert report_page(client, "circle", forming.pk).status_code == 200


def test_hole_1_a_browsable_circle_can_be_reported_by_anyone_who_sees_its_page(
    client, member_user, circle
):
    client.force_login(member_user)
    assert report_page(client, "circle", circle.pk).status_code == 200


def test_hole_1_a_stranger_cannot_be_reported_by_id(client, member_user, member):
    """No shared circle, no block: the id answers like a missing one (no name)."""
    client.force_login(member_user)
    page = report_page(client, "member", member.pk)
    assert member.display_name not in page.content.decode()
    assert_like_missing(client, "member", member.pk)
    assert Report.objects.count() == 0


def test_hole_1_people_i_share_shared_or_blocked_can_be_reported(client, member, other_member):
    stranger = OnboardedUserFactory()
    client.force_login(member)
    assert report_page(client, "member", other_member.pk).status_code == 200
    Membership.objects.filter(user=other_member).update(status=Membership.Status.LEFT)
    assert report_page(client, "member", other_member.pk).status_code == 200  # shared once
    Block.objects.create(blocker=member, blocked=stranger)
    assert report_page(client, "member", stranger.pk).status_code == 200


@pytest.fixture
def occurrence(circle, facilitator, monkeypatch):
    from connect.meetups import services
    from connect.meetups.models import Occurrence
    from tests.meetups.conftest import series_fields

    if queue.meetup_model() is None:  # meetups are Occurrences
        monkeypatch.setattr(queue, "meetup_model", lambda: Occurrence)
    series = services.schedule_series(circle, facilitator, **series_fields())
    return series.occurrences.order_by("starts_at").first()


def test_hole_1_a_meetup_is_reported_only_by_members_of_its_circle(
    client, occurrence, member, member_user
):
    client.force_login(member)
    assert report_page(client, "meetup", occurrence.pk).status_code == 200
    client.force_login(member_user)
    assert_like_missing(client, "meetup", occurrence.pk)
    Membership.objects.filter(user=member).update(status=Membership.Status.LEFT)
    client.force_login(member)
    assert_like_missing(client, "meetup", occurrence.pk)
