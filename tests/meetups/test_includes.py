"""The includes other pages use: dashboard's next meetup and a circle page's list."""

from datetime import date, time

from django.template import Context, Template
from django.urls import reverse

from connect.meetups import selectors, services


def test_next_meetup_for_skips_no_and_cancelled(make_meetup, facilitator, members):
    _, (first,) = make_meetup(start_date=date(2027, 3, 16))
    _, (second,) = make_meetup(start_date=date(2027, 3, 23))
    _, (third,) = make_meetup(start_date=date(2027, 3, 30))
    ann = members[0]
    assert selectors.next_meetup_for(ann) == first
    services.rsvp(first, ann, "no")
    services.cancel_occurrence(second, facilitator)
    assert selectors.next_meetup_for(ann) == third


def test_dashboard_shows_the_next_meetup_in_my_zone(client, make_meetup, members):
    make_meetup(start_date=date(2027, 3, 16), start_time=time(18, 0))
    client.force_login(members[2])  # New York
    body = client.get(reverse("dashboard")).content.decode()
    assert "Your next meetup" in body
    assert "Tuesday 16 March 2027, 14:00–15:30 EDT" in body
    assert "You haven't answered yet." in body


def test_dashboard_without_meetups(client, members):
    client.force_login(members[0])
    assert "No meetup scheduled yet." in client.get(reverse("dashboard")).content.decode()


def test_circle_include_is_for_members_only(make_meetup, circle, members, outsider):
    make_meetup(start_date=date(2027, 3, 16))
    template = Template('{% include "meetups/_circle_meetups.html" %}')
    as_member = template.render(Context({"circle": circle, "user": members[0]}))
    assert "Tuesday circle" in as_member and "Tuesday 16 March 2027, 18:00" in as_member
    as_outsider = template.render(Context({"circle": circle, "user": outsider}))
    assert "Tuesday circle" not in as_outsider
