"""In a real browser: a facilitator schedules a meetup, a member RSVPs and downloads the .ics."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from connect.circles.models import Membership
from connect.meetups.models import RSVP, Occurrence
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def logged_in_context(browser, live_server, user, csp_watch):
    """A browser context carrying ``user``'s session cookie (no login form needed)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(accept_downloads=True)
    csp_watch(context)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_schedule_rsvp_and_download_ics(browser, live_server, csp_watch):
    circle = CircleFactory(mode="in_person", capacity=6)
    fay = MembershipFactory(
        circle=circle,
        role=Membership.Role.FACILITATOR,
        user=OnboardedUserFactory(onboarded__display_name="Fay"),
    ).user
    ann = MembershipFactory(
        circle=circle, user=OnboardedUserFactory(onboarded__display_name="Ann")
    ).user
    day = (timezone.now() + timedelta(days=5)).astimezone(ZoneInfo("Europe/London")).date()

    facilitator = logged_in_context(browser, live_server, fay, csp_watch).new_page()
    facilitator.goto(f"{live_server.url}/meetups/circle/{circle.pk}/")
    expect(facilitator.get_by_role("heading", name="Schedule a meetup")).to_be_visible()
    assert_accessible(facilitator)  # list, suggestions and the schedule form
    facilitator.get_by_label("Title").fill("Browser meetup")
    facilitator.get_by_label("In person").check()
    facilitator.get_by_label("Venue name").fill("Riverside Library café")
    facilitator.get_by_label("Venue address").fill("3 River Walk, London")
    facilitator.get_by_label("Date of the first meetup").fill(day.isoformat())
    facilitator.get_by_label("Start time").fill("18:30")
    facilitator.get_by_role("button", name="Schedule meetup").click()
    expect(facilitator.get_by_text("Meetup scheduled.")).to_be_visible()
    occurrence = Occurrence.objects.get()
    assert facilitator.url.endswith(f"/meetups/{occurrence.pk}/")

    member = logged_in_context(browser, live_server, ann, csp_watch).new_page()
    member.goto(f"{live_server.url}/meetups/{occurrence.pk}/")
    expect(member.get_by_text("3 River Walk, London")).to_be_visible()
    member.get_by_role("button", name="Yes, I'll come").click()
    expect(member.get_by_text("Your RSVP is saved")).to_be_visible()
    expect(member.locator("ul.coming")).to_contain_text("Ann")
    assert RSVP.objects.get(user=ann).is_going

    for page in (facilitator, member):  # the meetup page, as facilitator and as member
        assert_accessible(page)

    with member.expect_download() as download_info:
        member.get_by_role("link", name="Download .ics").click()
    download = download_info.value
    assert download.suggested_filename == f"meetup-{occurrence.pk}.ics"
    with open(download.path(), "rb") as handle:
        event = Calendar.from_ical(handle.read()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == occurrence.starts_at
    assert str(event["SUMMARY"]) == "Browser meetup"
