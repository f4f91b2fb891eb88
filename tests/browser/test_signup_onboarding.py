"""In a real browser (Debian chromium): sign up, verify, onboard, reach the dashboard.

The verification link is read from ``mail.outbox``: live_server runs in this
process, so the test email backend (locmem) holds the message. Each main page
is checked with axe-core (axe-playwright-python): no serious or critical
violations.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.helpers import PASSWORD, confirmation_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROWSER_ZONE = "America/New_York"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The browser reports a New York time zone, which onboarding should pick up."""
    return {**browser_context_args, "timezone_id": BROWSER_ZONE, "locale": "en-US"}


def assert_accessible(page, axe, where: str):
    """No serious or critical axe-core violations on the current page."""
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )


def test_sign_up_through_onboarding(page, live_server):
    axe = Axe()
    base = live_server.url

    page.goto(base + "/")
    expect(page.get_by_role("link", name="Need help now")).to_be_visible()
    assert_accessible(page, axe, "landing")
    page.goto(base + "/help/")
    assert_accessible(page, axe, "crisis help")
    page.goto(base + "/guidelines/")
    assert_accessible(page, axe, "guidelines")

    # Sign up.
    page.goto(base + "/accounts/signup/")
    assert_accessible(page, axe, "sign-up")
    page.get_by_label("Email").fill("river@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    # Verify: the link shows a page; confirming is a POST.
    assert len(mail.outbox) == 1
    page.goto(base + confirmation_link(mail.outbox[0]))
    assert_accessible(page, axe, "confirm email")
    page.get_by_role("button", name="Confirm").click()

    # Step 1: about you.
    expect(page).to_have_url(re.compile(r"/me/onboarding/about/$"))
    expect(page.get_by_text("Step 1 of 5")).to_be_visible()
    assert_accessible(page, axe, "onboarding: about")
    page.get_by_label("Display name").fill("River")
    page.get_by_label("Pronouns (optional)").fill("they/them")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: agreements (submitting without them shows errors first).
    expect(page).to_have_url(re.compile(r"/me/onboarding/agreements/$"))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("you must be 18 or older")).to_be_visible()
    assert_accessible(page, axe, "onboarding: agreements with errors")
    page.get_by_label("I am 18 or older.").check()
    page.get_by_label(re.compile("accept the community guidelines")).check()
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: topics with weights.
    expect(page).to_have_url(re.compile(r"/me/onboarding/topics/$"))
    assert_accessible(page, axe, "onboarding: topics")
    # A weight drop-down shows only once its topic is ticked.
    expect(page.get_by_label("How much Grief and loss matters")).to_be_hidden()
    page.get_by_label("Grief and loss", exact=True).check()
    expect(page.get_by_label("How much Grief and loss matters")).to_be_visible()
    page.get_by_label("How much Grief and loss matters").select_option(label="A lot")
    page.get_by_label("Loneliness", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()

    # Step 4: how and where; the city search is swapped in by htmx as you type.
    expect(page).to_have_url(re.compile(r"/me/onboarding/where/$"))
    page.get_by_label("Either").check()
    page.get_by_label("Find your city").press_sequentially("new yor", delay=30)
    page.get_by_label("New York City, United States").check()
    page.get_by_label(re.compile("How far would you travel")).fill("12")
    assert_accessible(page, axe, "onboarding: where")
    page.get_by_role("button", name="Save and continue").click()

    # Step 5: when and language; the time zone comes from the browser.
    expect(page).to_have_url(re.compile(r"/me/onboarding/when/$"))
    expect(page.get_by_label("Your time zone")).to_have_value(BROWSER_ZONE)
    assert_accessible(page, axe, "onboarding: when")
    for label in ["Monday 18:00–18:30", "Monday 18:30–19:00", "Wednesday 18:00–18:30"]:
        page.get_by_label(label, exact=True).check()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Finish").click()

    # The dashboard.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Hello, River")).to_be_visible()
    expect(page.get_by_text("You're waiting for a circle")).to_be_visible()
    assert_accessible(page, axe, "dashboard")

    page.get_by_role("link", name="My profile").click()
    expect(page.get_by_text("New York City (US)")).to_be_visible()
    expect(page.get_by_text("Monday 18:00–19:00")).to_be_visible()
    assert_accessible(page, axe, "my profile")

    from accounts.models import Profile

    profile = Profile.objects.get(user__email="river@example.com")
    assert profile.is_onboarded
    assert profile.timezone == BROWSER_ZONE
    assert profile.availability == [36, 37, 132]
    assert profile.city_geoname_id == 5128581
    assert dict(profile.topic_weights.values_list("topic__slug", "weight")) == {
        "grief": 3,
        "loneliness": 2,
    }
