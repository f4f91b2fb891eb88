"""Safety on meetups: feeds of suspended or departed people, agreements first,
reporting a meetup, out-of-range dates, and block/report on attendee lists."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.data_rights import delete_account
from connect.access import AccessDenied
from connect.circles.models import Membership
from connect.circles.services.lifecycle import membership_end
from connect.meetups import services
from connect.meetups.models import RSVP, CheckIn, Feedback, MeetupSeries, Occurrence
from connect.moderation import queue
from connect.moderation.models import Report
from connect.safety.models import Block, Suspension
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory

from .conftest import future_tuesday
from .test_scheduling import form_data

AGREE_FIRST = "Please confirm you are 18 or over and accept the community guidelines first."
SECRETS = ("Secret Street", "meet.example.org")


def events_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def shows_no_secret(response):
    body = response.content.decode()
    return not any(secret in body for secret in SECRETS)


def agreements_url():
    return reverse("onboarding_step", args=["agreements"])


def not_agreed(user, how="adult"):
    profile = user.profile
    if how == "adult":
        profile.adult_confirmed_at = None
    else:
        profile.guidelines_version = "2020-01"
    profile.save()


@pytest.fixture
def both_meetups(make_meetup, members):
    """An in-person and a video meetup of the circle."""
    make_meetup()
    make_meetup(
        mode="virtual", venue_name="", venue_address="", video_url="https://meet.example.org/x"
    )
    return list(Occurrence.objects.order_by("pk"))


# --- Hole 2: feeds and .ics -------------------------------------------------


def test_hole_2_suspended_feed_shows_nothing_member_only(client, both_meetups, members):
    ann = members[0]
    token = services.issue_feed_token(ann)
    url = reverse("meetups:feed", args=[token])
    assert len(events_of(client.get(url))) == 2
    suspension = Suspension.objects.create(user=ann, starts_at=timezone.now(), reason="test")

    response = client.get(url)  # no session: a calendar app
    assert events_of(response) == []  # an empty calendar, not an error
    assert shows_no_secret(response)

    suspension.lifted_at = timezone.now()
    suspension.save()
    assert len(events_of(client.get(url))) == 2  # serves again once it ends


def test_feed_serves_again_after_a_suspension_ended(client, both_meetups, members):
    ann = members[0]
    token = services.issue_feed_token(ann)
    now = timezone.now()
    Suspension.objects.create(
        user=ann, starts_at=now - timedelta(days=3), ends_at=now - timedelta(hours=1), reason="x"
    )
    assert len(events_of(client.get(reverse("meetups:feed", args=[token])))) == 2


@pytest.mark.parametrize("how", ["adult", "guidelines"])
def test_hole_2_feed_of_someone_without_agreements_is_empty(client, both_meetups, members, how):
    ann = members[0]
    token = services.issue_feed_token(ann)
    not_agreed(ann, how)
    response = client.get(reverse("meetups:feed", args=[token]))
    assert events_of(response) == []
    assert shows_no_secret(response)


def test_feed_of_a_deleted_account_shows_nothing(client, both_meetups, members):
    ann = members[0]
    token = services.issue_feed_token(ann)
    delete_account(ann)
    response = client.get(reverse("meetups:feed", args=[token]))
    assert response.status_code == 404
    assert shows_no_secret(response)


def test_feed_of_a_deactivated_account_shows_nothing(client, both_meetups, members):
    ann = members[0]
    token = services.issue_feed_token(ann)
    ann.is_active = False
    ann.save()
    response = client.get(reverse("meetups:feed", args=[token]))
    assert response.status_code == 404
    assert shows_no_secret(response)


def test_feed_of_an_ex_member_leaves_out_that_circle(client, both_meetups, members, facilitator):
    ann = members[0]
    other = CircleFactory(name="Other circle")
    MembershipFactory(circle=other, user=ann, role=Membership.Role.FACILITATOR)
    services.schedule_series(
        other, ann, **{**_fields(), "title": "Other meetup", "venue_address": "1 Open Road"}
    )
    token = services.issue_feed_token(ann)
    url = reverse("meetups:feed", args=[token])
    assert len(events_of(client.get(url))) == 3
    membership_end(Membership.objects.get(user=ann, circle=both_meetups[0].circle))

    response = client.get(url)
    events = events_of(response)
    assert [str(e["SUMMARY"]) for e in events] == ["Other meetup"]
    assert shows_no_secret(response)
    # The .ics of a meetup of the circle left is gone too.
    client.force_login(ann)
    for occurrence in both_meetups:
        response = client.get(reverse("meetups:ics", args=[occurrence.pk]))
        assert response.status_code == 404
        assert shows_no_secret(response)


def _fields():
    from .conftest import series_fields

    return series_fields()


@pytest.mark.parametrize("how", ["adult", "guidelines"])
def test_hole_2_ics_of_someone_without_agreements_shows_nothing(client, both_meetups, members, how):
    ann = members[0]
    not_agreed(ann, how)
    client.force_login(ann)
    for occurrence in both_meetups:
        response = client.get(reverse("meetups:ics", args=[occurrence.pk]))
        assert response.status_code == 302
        assert shows_no_secret(response)


def test_ics_of_a_suspended_person_shows_nothing(client, both_meetups, members):
    ann = members[0]
    client.force_login(ann)
    Suspension.objects.create(user=ann, starts_at=timezone.now(), reason="test")
    for occurrence in both_meetups:
        response = client.get(reverse("meetups:ics", args=[occurrence.pk]))
        assert response.status_code == 302
        assert shows_no_secret(response)


# --- Hole 3: agreements before taking part ------------------------------------


def assert_sent_to_agreements(response):
    assert response.status_code == 302
    assert response["Location"] == agreements_url()
    assert AGREE_FIRST in [str(m) for m in get_messages(response.wsgi_request)]


def test_hole_3_rsvp_needs_the_agreements(client, meetup, members):
    ann = members[0]
    not_agreed(ann)
    client.force_login(ann)
    response = client.post(reverse("meetups:rsvp", args=[meetup.pk]), {"answer": "yes"})
    assert_sent_to_agreements(response)
    assert not RSVP.objects.exists()
    with pytest.raises(AccessDenied):
        services.rsvp(meetup, ann, "yes")
    assert not RSVP.objects.exists()


def test_hole_3_check_in_needs_the_agreements(client, meetup, members):
    ann = members[0]
    started = timezone.now() - timedelta(minutes=30)
    Occurrence.objects.filter(pk=meetup.pk).update(
        starts_at=started, ends_at=started + timedelta(minutes=90)
    )
    not_agreed(ann, "guidelines")
    client.force_login(ann)
    response = client.post(
        reverse("meetups:check_in", args=[meetup.pk]), {"heard": "yes", "note": "thanks"}
    )
    # The guidelines middleware may step in first; either way nothing is written.
    assert response.status_code == 302
    ann.profile.guidelines_version = "2026-11"
    not_agreed(ann, "adult")
    response = client.post(
        reverse("meetups:check_in", args=[meetup.pk]), {"heard": "yes", "note": "thanks"}
    )
    assert_sent_to_agreements(response)
    assert not CheckIn.objects.exists()
    assert not Feedback.objects.exists()
    meetup.refresh_from_db()
    with pytest.raises(AccessDenied):
        services.check_in(meetup, ann, "yes")
    assert not CheckIn.objects.exists()


def test_hole_3_scheduling_needs_the_agreements(client, circle, facilitator, members):
    not_agreed(facilitator)
    client.force_login(facilitator)
    response = client.post(reverse("meetups:circle", args=[circle.pk]), form_data())
    assert_sent_to_agreements(response)
    assert not MeetupSeries.objects.exists()
    assert not Occurrence.objects.exists()


def test_hole_3_meetup_pages_need_the_agreements(client, meetup, members):
    ann = members[0]
    not_agreed(ann)
    client.force_login(ann)
    response = client.get(reverse("meetups:detail", args=[meetup.pk]))
    assert_sent_to_agreements(response)
    assert shows_no_secret(response)


# --- Hole 9: reporting a meetup --------------------------------------------


def test_hole_9_member_reports_an_unsafe_meeting_and_a_moderator_opens_it(
    client, meetup, members, outsider
):
    from tests.moderation.conftest import moderators_group

    ann = members[0]
    url = reverse("moderation:report") + f"?type=meetup&id={meetup.pk}"
    obj = queue.target_object("meetup", meetup.pk)
    assert obj == meetup
    assert queue.target_circle_id("meetup", obj) == meetup.circle_id

    client.force_login(outsider)
    assert client.get(url).status_code == 404  # not their circle

    client.force_login(ann)
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("moderation:report"),
        {
            "target_type": "meetup",
            "target_id": meetup.pk,
            "reason": "unsafe_meeting",
            "note": "Venue felt unsafe",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.target_type, report.target_id, report.reason) == (
        "meetup",
        meetup.pk,
        "unsafe_meeting",
    )

    moderator = OnboardedUserFactory()
    moderator.groups.add(moderators_group())
    client.force_login(moderator)
    body = client.get(reverse("moderation:queue")).content.decode()
    label = queue.target_labels([("meetup", meetup.pk)])[("meetup", meetup.pk)]
    assert "Tuesday circle" in label and meetup.circle.name in label
    assert label in body
    response = client.get(reverse("moderation:queue_item", args=["meetup", meetup.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tuesday circle" in body and "Unsafe meeting" in body


# --- Hole 10: out-of-range dates --------------------------------------------


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "0001-01-07", "9999-12-25"])
def test_hole_10_out_of_range_week_answers_400(client, circle, facilitator, members, week):
    url = reverse("meetups:circle", args=[circle.pk])
    for person in (facilitator, members[0]):
        client.force_login(person)
        response = client.get(url, {"week": week})
        assert response.status_code == 400
        assert "Pick a week from today up to two years ahead." in response.content.decode()


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_date": "9999-12-31"},
        {"start_date": "0001-01-01", "timezone": "Asia/Tokyo", "start_time": "00:00"},
        {"start_date": "9999-12-31", "timezone": "Pacific/Kiritimati", "start_time": "23:30"},
        {"start_date": "9999-12-31", "frequency": "weekly", "until": "9999-12-31"},
    ],
)
def test_hole_10_far_start_date_is_a_form_error(client, circle, facilitator, members, overrides):
    client.force_login(facilitator)
    response = client.post(reverse("meetups:circle", args=[circle.pk]), form_data(**overrides))
    assert response.status_code == 400
    assert "start_date" in response.context["form"].errors
    assert not MeetupSeries.objects.exists()


def test_hole_10_far_until_is_a_form_error(client, circle, facilitator, members):
    client.force_login(facilitator)
    response = client.post(
        reverse("meetups:circle", args=[circle.pk]),
        form_data(frequency="weekly", until="9999-12-31"),
    )
    assert response.status_code == 400
    assert "until" in response.context["form"].errors
    assert not MeetupSeries.objects.exists()


def test_hole_10_far_start_date_on_the_edit_page_is_a_form_error(
    client, make_meetup, facilitator, members
):
    series, _ = make_meetup()
    client.force_login(facilitator)
    response = client.post(
        reverse("meetups:edit_series", args=[series.pk]), form_data(start_date="9999-12-31")
    )
    assert response.status_code == 400
    assert "start_date" in response.context["form"].errors


@pytest.mark.parametrize(
    ("new_date", "new_time"),
    [("9999-12-31", "23:30"), ("0001-01-01", "00:00"), ("9999-12-31", "00:00")],
)
def test_hole_10_moving_to_an_out_of_range_date_is_a_form_error(
    client, meetup, facilitator, new_date, new_time
):
    client.force_login(facilitator)
    response = client.post(
        reverse("meetups:move", args=[meetup.pk]), {"new_date": new_date, "new_time": new_time}
    )
    assert response.status_code == 400
    assert "new_date" in response.context["move_form"].errors
    before = meetup.starts_at
    meetup.refresh_from_db()
    assert (meetup.status, meetup.starts_at) == ("scheduled", before)


def test_hole_10_move_service_refuses_far_dates(meetup, facilitator):
    with pytest.raises(services.MeetupError):
        services.move_occurrence(meetup, facilitator, future_tuesday(200), meetup.starts_at.time())


# --- Block and report where people meet ---------------------------------------


def test_attendee_list_offers_block_and_report_for_each_other_person(client, meetup, members):
    ann, ben, nia = members
    for person in (ann, ben):
        services.rsvp(meetup, person, "yes")
    services.rsvp(meetup, nia, "maybe")
    client.force_login(ann)
    body = client.get(reverse("meetups:detail", args=[meetup.pk])).content.decode()
    block = reverse("moderation:block")
    report = reverse("moderation:report")
    for other in (ben, nia):
        assert f"{block}?user_id={other.pk}" in body
        assert f"{report}?type=member&amp;id={other.pk}" in body
    assert f"{block}?user_id={ann.pk}" not in body  # never yourself


def test_meetup_page_links_to_report_this_meetup(client, meetup, members):
    client.force_login(members[0])
    body = client.get(reverse("meetups:detail", args=[meetup.pk])).content.decode()
    assert f"{reverse('moderation:report')}?type=meetup&amp;id={meetup.pk}" in body
    assert "Report this meetup" in body


@pytest.mark.parametrize("direction", ["viewer_blocked", "viewer_was_blocked"])
def test_attendee_lists_never_show_a_blocked_pair(client, meetup, members, direction):
    ann, ben, nia = members
    services.rsvp(meetup, ben, "yes")
    services.rsvp(meetup, nia, "yes")
    if direction == "viewer_blocked":
        Block.objects.create(blocker=ann, blocked=ben)
    else:
        Block.objects.create(blocker=ben, blocked=ann)
    client.force_login(ann)
    response = client.get(reverse("meetups:detail", args=[meetup.pk]))
    body = response.content.decode()
    assert "Nia" in body
    assert ">Ben<" not in body and f"user_id={ben.pk}" not in body
    # Ben does not see Ann either, when she comes.
    services.rsvp(meetup, ann, "yes")
    client.force_login(ben)
    body = client.get(reverse("meetups:detail", args=[meetup.pk])).content.decode()
    assert "Nia" in body and f"user_id={ann.pk}" not in body and ">Ann<" not in body


def test_meetup_page_runs_a_fixed_number_of_queries(
    client, meetup, circle, members, django_assert_num_queries
):
    ann = members[0]
    services.rsvp(meetup, members[1], "yes")
    client.force_login(ann)
    url = reverse("meetups:detail", args=[meetup.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2):
        person = MembershipFactory(
            circle=circle, user=OnboardedUserFactory(onboarded__display_name=f"Extra {n}")
        ).user
        services.rsvp(meetup, person, "yes" if n else "maybe")
    Block.objects.create(blocker=ann, blocked=members[2])
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert "Extra 1" in response.content.decode()


@pytest.mark.parametrize("name", ["circle", "step_back"])
def test_hole_10_huge_circle_id_answers_404(client, circle, facilitator, name):
    client.force_login(facilitator)
    for big in (10**20, 2**63):
        assert client.get(reverse(f"meetups:{name}", args=[big])).status_code == 404


@pytest.mark.parametrize("name", ["detail", "ics", "edit_series"])
def test_huge_meetup_ids_answer_404(client, facilitator, name):
    client.force_login(facilitator)
    for big in (10**30, 2**63):
        assert client.get(reverse(f"meetups:{name}", args=[big])).status_code == 404


@pytest.mark.parametrize("zone", ["é" * 300, "Mars/Olympus_Mons", "../../etc/passwd", "localtime"])
def test_hole_10_unknown_or_300_character_time_zone_is_a_form_error(
    client, circle, facilitator, members, zone
):
    client.force_login(facilitator)
    response = client.post(reverse("meetups:circle", args=[circle.pk]), form_data(timezone=zone))
    assert response.status_code == 400
    assert "timezone" in response.context["form"].errors
    assert not MeetupSeries.objects.exists()
