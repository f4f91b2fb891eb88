"""In a real browser at phone width, in dark mode: the community-health page and the
facilitator's panel keep the Content-Security-Policy (any violation fails the
test), pass axe's accessibility checks and show their charts."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.insights.helpers import attend, circle_with, make_moderator, meetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def context_for(browser, live_server, user, csp_watch):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", accept_downloads=True
    )
    csp_watch(context)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_health_page_and_circle_panel_at_phone_width_in_dark_mode(browser, live_server, csp_watch):
    circle, people = circle_with(6, mode="in_person", city_name="London")
    now = timezone.now()
    for weeks_ago, came in ((4, 6), (3, 6), (2, 2), (1, 2)):
        occurrence = meetup(circle, now - timedelta(weeks=weeks_ago))
        attend(occurrence, people[:came], said_yes=people, heard=["yes"] * came)

    page = context_for(browser, live_server, make_moderator(), csp_watch).new_page()
    page.goto(f"{live_server.url}/safety/")
    page.get_by_role("link", name="Community health").click()
    expect(page.get_by_role("heading", name="Community health", level=1)).to_be_visible()
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(11)
    # Dark mode: the chart panel takes the dark palette from the stylesheet.
    background = page.locator(".chart-panel").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert background == "rgb(20, 25, 29)"
    # Nothing wider than the phone: wide tables scroll inside their own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Period").select_option("4")
    page.get_by_label("City").select_option("London")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("last 4 weeks, in person and by video, London")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("#attendance").get_by_role("link", name="Download this table (CSV)").click()
    assert download.value.suggested_filename.startswith("community-health-attendance-")

    facilitator = context_for(browser, live_server, people[0], csp_watch).new_page()
    facilitator.goto(f"{live_server.url}/circles/{circle.pk}/")
    expect(facilitator.get_by_role("heading", name="How your circle is doing")).to_be_visible()
    expect(facilitator.get_by_text("Fewer people came to the last two meetups")).to_be_visible()
    expect(facilitator.locator("svg.chart")).to_have_count(1)
    assert facilitator.evaluate("document.documentElement.scrollWidth") <= 390
