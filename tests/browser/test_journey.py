"""The whole journey in one real browser (Debian chromium), as the people who live it.

Ana and Ben sign up, confirm their email from the message the site sent and
onboard; Cy and Dee, two more Londoners free on weekday evenings, are already
waiting. A matching round (what ``manage.py match_round`` runs) invites the
four; Ana accepts from her email and volunteers to facilitate, Ben from his
dashboard. Ana schedules a weekly meetup; Ben RSVPs and downloads the .ics.
They chat live (two browser contexts, one WebSocket each); Ben writes
something unkind, Ana reports it and a moderator hides it from the review
queue. After the meetup Ben checks in ("did you feel heard?"); Ana blocks Ben
and leaves the circle; Ben downloads his data and deletes his account.

Everything runs against one in-process ASGI server (``asgi_live_server``), so
emails land in ``mail.outbox``. Each step saves a phone-width screenshot: to
``docs/journey/NN-step.png`` when ``CONNECT_JOURNEY_SHOTS=1`` (the README shows
some), otherwise to the test's temporary folder, so a normal run leaves the
checkout untouched.
"""

import json
import os
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from accounts.models import User
from connect.circles.models import Circle, Invitation, Membership
from connect.circles.rounds import run_round
from connect.circles.services.invitations import invitation_accept
from connect.meetups.models import RSVP, CheckIn, Occurrence
from connect.moderation.models import ModerationAction, Report
from connect.safety.models import Block
from tests.accounts.helpers import PASSWORD, confirmation_link
from tests.factories import OnboardedUserFactory
from tests.seed import moderators_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ZONE = "Europe/London"
INVITE_LINK = re.compile(r"https?://[^/\s]+(/circles/invitations/link/[^\s\"<]+)")


@pytest.fixture
def shots(tmp_path):
    """``shots(page, "name")`` saves the page as ``NN-name.png`` (viewport only: small files)."""
    folder = tmp_path
    if os.environ.get("CONNECT_JOURNEY_SHOTS") == "1":
        folder = Path(settings.BASE_DIR) / "docs" / "journey"
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
    taken = []

    def shoot(page, name):
        taken.append(name)
        page.screenshot(path=folder / f"{len(taken):02d}-{name}.png", animations="disabled")

    return shoot


def sign_up_and_onboard(page, base, email, name, shoot=None):
    """Sign up, confirm from the email, and walk onboarding's five steps."""
    shoot = shoot or (lambda page, name: None)
    page.goto(base + "/")
    shoot(page, "landing")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shoot(page, "check-your-email")

    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) == 1, [m.subject for m in sent]
    page.goto(base + confirmation_link(sent[0]))
    shoot(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/me/onboarding/about/$"))
    page.get_by_label("Display name").fill(name)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("I am 18 or older.").check()
    page.get_by_label(re.compile("accept the community guidelines")).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/me/onboarding/topics/$"))
    page.get_by_label("Loneliness", exact=True).check()
    shoot(page, "onboarding-topics")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/me/onboarding/where/$"))
    page.get_by_label("Either").check()
    page.get_by_label("Find your city").press_sequentially("london")
    page.get_by_label("London, United Kingdom").check()
    shoot(page, "onboarding-where")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/me/onboarding/when/$"))
    expect(page.get_by_label("Your time zone")).to_have_value(ZONE)
    page.get_by_role("button", name="Weekday evenings").click()
    page.get_by_label("English").check()
    shoot(page, "onboarding-when")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
    return User.objects.get(email=email)


def invitation_path(user) -> str:
    """The signed "accept" link from the invitation email ``user`` received."""
    sent = [m for m in mail.outbox if user.email in m.to and "invited" in m.subject]
    assert len(sent) == 1, [m.subject for m in mail.outbox if user.email in m.to]
    return INVITE_LINK.search(sent[0].body).group(1)


def test_the_whole_journey(asgi_live_server, site_context, shots):
    base = asgi_live_server.url
    phone = {"viewport": PHONE, "timezone_id": ZONE}

    # --- Sign up, confirm, onboard (two people in the browser; two already waiting).
    ana_page = site_context(base, **phone).new_page()
    ana = sign_up_and_onboard(ana_page, base, "ana@example.com", "Ana", shots)
    expect(ana_page.get_by_text("You're waiting for a circle")).to_be_visible()
    shots(ana_page, "dashboard-waiting")
    ben_page = site_context(base, **phone).new_page()
    ben = sign_up_and_onboard(ben_page, base, "ben@example.com", "Ben")
    cy, dee = (
        OnboardedUserFactory(onboarded__display_name=name, onboarded__topics={"loneliness": 2})
        for name in ("Cy", "Dee")
    )

    # --- A matching round: one new circle, four invitations by email and in the app.
    record = run_round()
    assert (record.circles_proposed, record.placed) == (1, 4)
    circle = Circle.objects.get()

    ana_page.goto(base + invitation_path(ana))
    expect(ana_page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    ana_page.get_by_label("I'm willing to facilitate this circle").check()
    shots(ana_page, "invitation")
    ana_page.get_by_role("button", name="Accept the invitation").click()
    ben_page.reload()
    expect(ben_page.get_by_text("An invitation is waiting for your answer")).to_be_visible()
    ben_page.get_by_role("button", name="Accept", exact=True).click()
    for person in (cy, dee):
        invitation_accept(person, Invitation.objects.get(user=person).pk)
    circle.refresh_from_db()
    assert circle.status == Circle.Status.ACTIVE
    assert circle.memberships.get(role=Membership.Role.FACILITATOR).user == ana

    # --- Ana schedules a weekly meetup at the circle's time.
    ana_page.goto(f"{base}/meetups/circle/{circle.pk}/")
    day = (timezone.now() + timedelta(days=5)).astimezone(ZoneInfo(ZONE)).date()
    ana_page.get_by_label("Title").fill("Monday evenings")
    ana_page.get_by_label("In person").check()
    ana_page.get_by_label("Venue name").fill("Riverside Library café")
    ana_page.get_by_label("Venue address").fill("3 River Walk, London")
    ana_page.get_by_label("Date of the first meetup").fill(day.isoformat())
    ana_page.get_by_label("Start time").fill("18:30")
    ana_page.get_by_label("Repeat", exact=True).select_option(label="Every week")
    ana_page.get_by_label("Number of meetups").fill("4")
    shots(ana_page, "schedule-meetup")
    ana_page.get_by_role("button", name="Schedule meetup").click()
    expect(ana_page.get_by_text("Meetup scheduled.")).to_be_visible()
    first = Occurrence.objects.order_by("starts_at").first()
    assert Occurrence.objects.count() == 4

    # --- Ben RSVPs (the pressed button says so) and downloads the .ics.
    ben_page.goto(f"{base}/meetups/{first.pk}/")
    yes = ben_page.get_by_role("button", name="Yes, I'll come")
    expect(yes).to_have_attribute("aria-pressed", "false")
    yes.click()
    expect(ben_page.get_by_text("Your RSVP is saved")).to_be_visible()
    expect(yes).to_have_attribute("aria-pressed", "true")
    assert RSVP.objects.get(user=ben, occurrence=first).is_going
    shots(ben_page, "rsvp")
    with ben_page.expect_download() as download:
        ben_page.get_by_role("link", name="Download .ics").click()
    event = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == first.starts_at
    assert str(event["LOCATION"]).startswith("Riverside Library café")

    # --- Live chat on the circle page: each sees the other's words over the socket.
    for page in (ana_page, ben_page):
        page.goto(f"{base}/circles/{circle.pk}/")
        expect(page.locator("[data-chat-status]")).to_have_text(re.compile("^Live"))
    ana_page.get_by_label("Your message").fill("Welcome, everyone! See you on Monday.")
    ana_page.keyboard.press("Enter")
    expect(ben_page.locator("[data-chat-list]")).to_contain_text("See you on Monday")
    ben_page.get_by_label("Your message").fill("Honestly, nobody here is worth meeting.")
    ben_page.keyboard.press("Enter")
    unkind = ana_page.locator(".chat-message", has_text="nobody here is worth meeting")
    expect(unkind).to_have_count(1)
    unkind.scroll_into_view_if_needed()
    shots(ana_page, "chat")

    # --- Ana reports the message; a moderator hides it from the review queue.
    unkind.get_by_role("link", name="Report this message by Ben").click()
    ana_page.get_by_label("Harassment").check()
    ana_page.get_by_role("button", name="Send report").click()
    expect(ana_page.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    report = Report.objects.get()
    moderator = OnboardedUserFactory(onboarded__display_name="Mo")
    moderator.groups.add(moderators_group())
    mo_page = site_context(base, moderator, **phone).new_page()
    mo_page.goto(base + "/safety/queue/")
    mo_page.locator(".queue-item a").first.click()
    expect(mo_page.get_by_text("nobody here is worth meeting")).to_be_visible()
    mo_page.get_by_label("Hide the message").check()
    mo_page.get_by_label(re.compile("^Reason")).fill("Unkind to the whole circle.")
    mo_page.get_by_role("heading", name="What was reported").evaluate("h => h.scrollIntoView()")
    shots(mo_page, "moderation")
    mo_page.get_by_role("button", name="Apply").click()
    expect(mo_page.get_by_text("Done: Message hidden.")).to_be_visible()
    assert ModerationAction.objects.filter(kind="hide_message").exists()
    report.refresh_from_db()
    assert report.status == Report.Status.ACTIONED
    ana_page.goto(f"{base}/circles/{circle.pk}/")
    expect(ana_page.locator("[data-chat-list]")).to_contain_text("message hidden by a moderator")
    expect(ana_page.locator("[data-chat-list]")).not_to_contain_text("worth meeting")

    # --- After the meetup (a week later): Ben checks in.
    now = timezone.now()
    Occurrence.objects.filter(pk=first.pk).update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(minutes=30)
    )
    ben_page.goto(f"{base}/meetups/{first.pk}/")
    ben_page.get_by_label("Yes", exact=True).check()
    shots(ben_page, "check-in")
    ben_page.get_by_role("button", name="I was there").click()
    expect(ben_page.get_by_text("Thanks for checking in.")).to_be_visible()
    assert CheckIn.objects.filter(user=ben, occurrence=first).exists()

    # --- Ana blocks Ben and leaves the circle.
    ana_page.goto(f"{base}/circles/{circle.pk}/")
    ana_page.get_by_role("link", name="Block Ben").first.click()
    ana_page.get_by_role("button", name="Block Ben").click()
    expect(ana_page.get_by_role("heading", name="You are in the same circle")).to_be_visible()
    shots(ana_page, "block")
    ana_page.get_by_role("button", name=re.compile("^Leave .* and be matched again")).click()
    expect(ana_page.get_by_text("You left the circle.")).to_be_visible()
    assert Block.objects.filter(blocker=ana, blocked=ben).exists()
    assert not Membership.objects.filter(
        user=ana, circle=circle, status=Membership.Status.ACTIVE
    ).exists()
    ana_page.goto(base + "/dashboard/")
    expect(ana_page.get_by_text("You're waiting for a circle")).to_be_visible()

    # --- Ben downloads his data, then deletes his account.
    ben_page.goto(base + "/safety/export/")
    with ben_page.expect_download() as download:
        ben_page.get_by_role("link", name="Download my data (JSON)").click()
    export = json.loads(Path(download.value.path()).read_text())
    assert "Ben" in json.dumps(export) and "worth meeting" in json.dumps(export)
    shots(ben_page, "export")
    ben_page.goto(base + "/safety/delete-account/")
    ben_page.get_by_label("Your password").fill(PASSWORD)
    ben_page.get_by_role("button", name="Delete my account").click()
    expect(
        ben_page.get_by_text("Your account and personal data have been deleted.")
    ).to_be_visible()
    shots(ben_page, "account-deleted")
    assert not User.objects.filter(pk=ben.pk).exists()
