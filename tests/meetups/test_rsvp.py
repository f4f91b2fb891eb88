"""RSVPs, capacity and the waiting list; who may see what."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connect.access import AccessDenied
from connect.meetups import services
from connect.meetups.models import RSVP, Occurrence
from connect.meetups.selectors import Attendee
from connect.notifications.models import Notification
from connect.safety.models import Mute, Suspension


def test_rsvp_yes_maybe_no_is_one_row_per_person(client, meetup, members):
    client.force_login(members[0])
    url = reverse("meetups:rsvp", args=[meetup.pk])
    for answer in ("yes", "maybe", "no"):
        assert client.post(url, {"answer": answer}).status_code == 302
    row = RSVP.objects.get()
    assert row.answer == "no"


def test_the_chosen_answer_is_the_one_pressed(client, meetup, members):
    """One clear state: the chosen answer is filled and aria-pressed, the others are not."""
    import re

    client.force_login(members[0])
    client.post(reverse("meetups:rsvp", args=[meetup.pk]), {"answer": "maybe"})
    body = client.get(reverse("meetups:detail", args=[meetup.pk])).content.decode()
    buttons = re.findall(r'<button type="submit" name="answer" value="(\w+)"([^>]*)>', body)
    assert [value for value, _ in buttons] == ["yes", "maybe", "no"]
    for value, attrs in buttons:
        pressed = 'aria-pressed="true"' in attrs
        assert pressed == (value == "maybe")
        assert ('class="chosen"' in attrs) == pressed
        assert ('class="secondary"' in attrs) != pressed
        assert 'aria-pressed="false"' in attrs or pressed


def test_database_refuses_a_second_rsvp_row(meetup, members):
    RSVP.objects.create(occurrence=meetup, user=members[0], answer="yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        RSVP.objects.create(occurrence=meetup, user=members[0], answer="no")


def test_rsvp_needs_post(client, meetup, members):
    client.force_login(members[0])
    response = client.get(reverse("meetups:rsvp", args=[meetup.pk]), {"answer": "yes"})
    assert response.status_code == 405
    assert not RSVP.objects.exists()


def test_capacity_then_waitlist_in_order_and_promotion(make_meetup, facilitator, members):
    _, (occurrence,) = make_meetup(capacity=2)
    ann, ben, nia = members
    assert services.rsvp(occurrence, facilitator, "yes").is_going
    assert services.rsvp(occurrence, ann, "yes").is_going
    ben_row = services.rsvp(occurrence, ben, "yes")
    nia_row = services.rsvp(occurrence, nia, "yes")
    assert ben_row.waitlisted and nia_row.waitlisted
    assert ben_row.waitlisted_at <= nia_row.waitlisted_at

    # Saying "yes" again keeps your place in the queue rather than moving you back.
    assert services.rsvp(occurrence, ben, "yes").waitlisted_at == ben_row.waitlisted_at

    services.rsvp(occurrence, ann, "no")
    ben_row.refresh_from_db()
    nia_row.refresh_from_db()
    assert ben_row.is_going, "the first person waiting gets the freed place"
    assert nia_row.waitlisted
    told = Notification.objects.get(user=ben, title__startswith="A place opened up")
    assert told.url == reverse("meetups:detail", args=[occurrence.pk])
    assert not Notification.objects.filter(user=nia, title__startswith="A place").exists()

    # A "maybe" from someone going frees the place too.
    services.rsvp(occurrence, facilitator, "maybe")
    nia_row.refresh_from_db()
    assert nia_row.is_going
    going = RSVP.objects.filter(occurrence=occurrence, answer="yes", waitlisted=False).count()
    assert going == 2


def test_waitlist_shown_on_the_page(client, make_meetup, facilitator, members):
    _, (occurrence,) = make_meetup(capacity=2)
    services.rsvp(occurrence, facilitator, "yes")
    services.rsvp(occurrence, members[0], "yes")
    client.force_login(members[1])
    response = client.post(reverse("meetups:rsvp", args=[occurrence.pk]), {"answer": "yes"})
    body = client.get(response["Location"]).content.decode()
    assert "on the waiting list" in body
    assert "2 of 2 places taken" in body


def test_suspended_people_cannot_rsvp_but_muted_people_can(client, meetup, circle, members):
    ann, ben = members[0], members[1]
    Suspension.objects.create(user=ann, starts_at=timezone.now(), reason="test")
    Mute.objects.create(
        user=ben, circle=circle, ends_at=timezone.now() + timedelta(days=1), reason="test"
    )
    with pytest.raises(AccessDenied, match="suspended"):
        services.rsvp(meetup, ann, "yes")
    client.force_login(ann)
    response = client.post(
        reverse("meetups:rsvp", args=[meetup.pk]), {"answer": "yes"}, follow=True
    )
    assert "suspended" in response.content.decode()
    assert not RSVP.objects.filter(user=ann).exists()
    assert services.rsvp(meetup, ben, "yes").is_going


def test_no_rsvp_to_a_cancelled_or_past_meetup(meetup, facilitator, members):
    services.cancel_occurrence(meetup, facilitator)
    with pytest.raises(services.MeetupError, match="cancelled"):
        services.rsvp(meetup, members[0], "yes")
    start = timezone.now() - timedelta(hours=1)
    Occurrence.objects.filter(pk=meetup.pk).update(
        status="scheduled", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    with pytest.raises(services.MeetupError, match="already started"):
        services.rsvp(meetup, members[0], "yes")


def test_meetup_page_lists_who_is_coming_for_members(client, meetup, facilitator, members):
    services.rsvp(meetup, members[0], "yes")
    services.rsvp(meetup, members[1], "maybe")
    services.rsvp(meetup, members[2], "no")
    client.force_login(facilitator)
    response = client.get(reverse("meetups:detail", args=[meetup.pk]))
    ann, ben = members[0], members[1]
    assert response.context["people"] == {
        "going": [Attendee(ann.pk, "Ann")],
        "waiting": [],
        "maybe": [Attendee(ben.pk, "Ben")],
        "going_count": 1,
    }
    body = response.content.decode()
    assert "12 Secret Street, London" in body
    assert "Central Library café" in body


@pytest.mark.parametrize("name", ["detail", "ics"])
def test_non_member_gets_404_for_the_meetup_page_and_ics(client, meetup, outsider, name):
    client.force_login(outsider)
    response = client.get(reverse(f"meetups:{name}", args=[meetup.pk]))
    assert response.status_code == 404
    assert "Secret Street" not in response.content.decode()


def test_non_member_never_sees_the_address_anywhere(client, meetup, circle, outsider):
    client.force_login(outsider)
    for url in (
        reverse("meetups:circle", args=[circle.pk]),
        reverse("meetups:detail", args=[meetup.pk]),
        reverse("meetups:ics", args=[meetup.pk]),
        reverse("meetups:step_back", args=[circle.pk]),
        reverse("dashboard"),
    ):
        response = client.get(url)
        assert "Secret Street" not in response.content.decode()
        assert "Central Library" not in response.content.decode()
    assert client.get(reverse("meetups:circle", args=[circle.pk])).status_code == 404
    for name in ("rsvp", "cancel", "check_in"):
        assert client.post(reverse(f"meetups:{name}", args=[meetup.pk])).status_code == 404


def test_former_member_gets_404(client, meetup, members):
    from connect.circles.services.lifecycle import membership_end

    ann = members[0]
    membership_end(ann.memberships.get())
    client.force_login(ann)
    assert client.get(reverse("meetups:detail", args=[meetup.pk])).status_code == 404


def test_video_link_is_members_only(client, make_meetup, members, outsider):
    _, (occurrence,) = make_meetup(
        mode="virtual", venue_name="", venue_address="", video_url="https://meet.example.org/abc"
    )
    client.force_login(members[0])
    assert (
        "https://meet.example.org/abc"
        in client.get(reverse("meetups:detail", args=[occurrence.pk])).content.decode()
    )
    client.force_login(outsider)
    response = client.get(reverse("meetups:detail", args=[occurrence.pk]))
    assert response.status_code == 404
    assert "meet.example.org" not in response.content.decode()


def test_anonymous_people_are_sent_to_log_in(client, meetup):
    response = client.get(reverse("meetups:detail", args=[meetup.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_meetup_list_page_runs_a_fixed_number_of_queries(
    client, make_meetup, circle, facilitator, members, django_assert_num_queries
):
    _, occurrences = make_meetup(frequency="weekly", count=3)
    for occ in occurrences:
        services.rsvp(occ, members[0], "yes")
    client.force_login(members[0])
    url = reverse("meetups:circle", args=[circle.pk])
    client.get(url)  # warm the session and content types
    # session, user, site-wide middleware checks (suspension, warnings,
    # guidelines), membership with circle, upcoming with counts and own RSVP,
    # recent, viewer's profile (zone), unread count: a fixed number, however
    # many meetups the circle has.
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["occurrences"]) == 3
    assert len(few) <= 14

    make_meetup(frequency="weekly", count=10, title="Another")
    for member in members[1:]:
        services.rsvp(Occurrence.objects.last(), member, "yes")
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["occurrences"]) == 13
    assert "1 going" in response.content.decode()
