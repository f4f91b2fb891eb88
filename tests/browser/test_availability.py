"""The availability grid in a real browser: arrow keys and Space, presets,
painting with a drag, one tab stop, and the saved cells (Debian chromium)."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Profile
from tests.factories import OnboardedUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MON, TUE, THU, SAT = 0, 48, 3 * 48, 5 * 48


def _cell(page, label):
    return page.get_by_label(label, exact=True)


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_grid_by_keyboard_presets_and_drag(page, live_server):
    person = OnboardedUserFactory(onboarded__availability=[MON + 36])  # Monday 18:00
    _log_in(page, live_server, person)
    page.goto(f"{live_server.url}/me/profile/edit/when/")
    expect(page.get_by_text("Drag across the grid")).to_be_visible()
    expect(page.locator("[data-availability-zone]")).to_have_text("Europe/London")
    expect(page.get_by_text("00:00", exact=True)).to_be_hidden()  # early hours folded

    # One tab stop for the grid: the first marked cell.
    first = _cell(page, "Monday 18:00–18:30")
    expect(first).to_have_attribute("tabindex", "0")
    expect(_cell(page, "Monday 07:00–07:30")).to_have_attribute("tabindex", "-1")
    first.focus()
    page.keyboard.press("Space")
    expect(first).not_to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(_cell(page, "Monday 18:30–19:00")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(_cell(page, "Tuesday 18:30–19:00")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")
    expect(_cell(page, "Tuesday 18:00–18:30")).to_be_checked()
    # Tab leaves the grid at once rather than walking 336 boxes.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('[data-availability-grid]') === null")
    assert focused

    # A preset, and a drag down Thursday from 10:00 to 11:00.
    page.get_by_role("button", name="Weekend mornings").click()
    expect(_cell(page, "Saturday 09:00–09:30")).to_be_checked()
    expect(page.locator("[data-availability-status]")).to_have_text("Weekend mornings marked.")
    start = _cell(page, "Thursday 10:00–10:30").bounding_box()
    end = _cell(page, "Thursday 11:00–11:30").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=6)
    page.mouse.up()
    for label in ("Thursday 10:00–10:30", "Thursday 10:30–11:00", "Thursday 11:00–11:30"):
        expect(_cell(page, label)).to_be_checked()
    expect(_cell(page, "Thursday 11:30–12:00")).not_to_be_checked()

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/me/profile/$"))
    saved = set(Profile.objects.get(user=person).availability)
    weekend = {day + half for day in (SAT, SAT + 48) for half in range(18, 24)}
    assert saved == {MON + 37, TUE + 36, TUE + 37, THU + 20, THU + 21, THU + 22} | weekend
