"""Report forms name who or what they are about, offer the reasons that fit,
and say what happens next; block and report pages point to each other."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from connect.moderation.models import Report
from connect.moderation.services import ModerationError, reasons_for, report_create
from tests.factories import CircleFactory


def form_page(client, target_type, target_id):
    response = client.get(reverse("moderation:report"), {"type": target_type, "id": target_id})
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_form_names_the_person(client, member, other_member):
    client.force_login(member)
    body = form_page(client, "member", other_member.pk)
    assert f"<h1>Report {other_member.display_name}</h1>" in body
    # Blocking is offered too, by a link to the confirmation page.
    assert f"{reverse('moderation:block')}?user_id={other_member.pk}" in body


def test_the_report_form_names_the_author_of_a_message(client, member, other_member, post):
    message = post(other_member, "that was unkind")
    client.force_login(member)
    body = form_page(client, "message", message.pk)
    assert f"<h1>Report a message by {other_member.display_name}</h1>" in body
    assert "that was unkind" in body
    assert f"{reverse('moderation:block')}?message_id={message.pk}" in body


def test_the_report_form_names_the_circle_and_offers_not_what_it_said(client, member_user):
    circle = CircleFactory(name="Evening Walkers")
    client.force_login(member_user)
    body = form_page(client, "circle", circle.pk)
    assert "<h1>Report the circle Evening Walkers</h1>" in body
    assert "Not what it said" in body
    assert "Impersonation" not in body


def test_reasons_fit_the_target():
    assert Report.Reason.NOT_AS_DESCRIBED in reasons_for("circle")
    assert Report.Reason.NOT_AS_DESCRIBED in reasons_for("meetup")
    assert Report.Reason.UNSAFE_MEETING in reasons_for("meetup")
    assert Report.Reason.NOT_AS_DESCRIBED not in reasons_for("member")
    assert Report.Reason.IMPERSONATION in reasons_for("member")
    assert Report.Reason.UNSAFE_MEETING not in reasons_for("message")


def test_a_reason_that_does_not_fit_is_refused(client, member, other_member, circle):
    with pytest.raises(ModerationError, match="reason"):
        report_create(member, "member", other_member.pk, Report.Reason.NOT_AS_DESCRIBED)
    client.force_login(member)
    response = client.post(
        reverse("moderation:report"),
        {"target_type": "member", "target_id": other_member.pk, "reason": "not_as_described"},
    )
    assert response.status_code == 400
    assert Report.objects.count() == 0
    report_create(member, "circle", circle.pk, Report.Reason.NOT_AS_DESCRIBED, "no walking at all")
    assert Report.objects.get().reason == "not_as_described"


def test_after_sending_the_page_says_what_happens_next(client, member, other_member):
    client.force_login(member)
    response = client.post(
        reverse("moderation:report"),
        {"target_type": "member", "target_id": other_member.pk, "reason": "harassment"},
        follow=True,
    )
    body = response.content.decode()
    assert "A moderator will review" in body
    assert "never told who reported" in body
    assert other_member.display_name not in body  # nothing about the person here


def test_the_meetup_form_names_its_date(client, member, circle, facilitator, monkeypatch):
    from connect.meetups import services
    from connect.meetups.models import Occurrence
    from connect.moderation import queue
    from tests.meetups.conftest import series_fields

    if queue.meetup_model() is None:
        monkeypatch.setattr(queue, "meetup_model", lambda: Occurrence)
    series = services.schedule_series(circle, facilitator, **series_fields())
    occurrence = series.occurrences.get()
    client.force_login(member)
    body = form_page(client, "meetup", occurrence.pk)
    assert f"<h1>Report the meetup on {occurrence.starts_at:%-d %B}</h1>" in body
    assert "Unsafe meeting" in body and "Not what it said" in body
    assert "Impersonation" not in body


def test_the_meetup_form_names_its_date_in_the_readers_own_zone(client, circle, facilitator):
    """A meetup at 6:30 in the morning in Auckland is the evening before in
    London and New York: each reader sees the day in their own zone."""
    from datetime import time, timedelta

    from django.utils import timezone

    from connect.meetups import services
    from tests.factories import MembershipFactory, OnboardedUserFactory
    from tests.meetups.conftest import series_fields

    day = (timezone.now() + timedelta(days=10)).date()
    series = services.schedule_series(
        circle,
        facilitator,
        **series_fields(start_date=day, start_time=time(6, 30), timezone="Pacific/Auckland"),
    )
    occurrence = series.occurrences.get()
    for zone in ("Pacific/Auckland", "America/New_York", "Europe/London"):
        reader = MembershipFactory(
            circle=circle, user=OnboardedUserFactory(onboarded__timezone=zone)
        ).user
        client.force_login(reader)
        local = occurrence.starts_at.astimezone(ZoneInfo(zone))
        body = form_page(client, "meetup", occurrence.pk)
        assert f"<h1>Report the meetup on {local:%-d %B}</h1>" in body, zone
