"""Keyboard only (Tab, Shift+Tab, Space, Enter, arrows; no mouse): onboarding,
RSVP and the chat, with a visible focus ring wherever focus lands.
(The availability grid's arrows and Space: tests/browser/test_availability.py.)"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Profile
from connect.chat.models import Message
from connect.circles.models import Membership
from connect.meetups import services as meetups
from connect.meetups.models import RSVP
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory, UserFactory
from tests.meetups.conftest import series_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The ring site.css draws for :focus-visible (a 3px outline, or the grid cell's).
RING = """el => el.matches(':focus-visible') && (
  getComputedStyle(el).outlineStyle !== 'none'
  || getComputedStyle(el.closest('td') || el).outlineStyle !== 'none')"""


def tab_to(page, target, *, limit=60, key="Tab"):
    """Press Tab (or ``key``) until ``target`` has focus, then check its focus ring."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press(key)
    else:
        raise AssertionError(f"{target} never got focus with {key}")
    assert target.evaluate(RING), f"{target} has focus but no visible focus ring"


def test_onboarding_by_keyboard(asgi_live_server, site_context):
    person = UserFactory()
    page = site_context(asgi_live_server.url, person, timezone_id="Europe/London").new_page()
    page.goto(asgi_live_server.url + "/me/onboarding/")

    name = page.get_by_label("Display name")
    tab_to(page, name)
    page.keyboard.type("Quinn")
    page.keyboard.press("Enter")  # submits the step

    expect(page).to_have_url(re.compile(r"/agreements/$"))
    for box in (
        page.get_by_label("I am 18 or older."),
        page.get_by_label(re.compile("accept the community guidelines")),
    ):
        tab_to(page, box)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    save = page.get_by_role("button", name="Save and continue")
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/topics/$"))
    topic = page.get_by_label("Loneliness", exact=True)
    tab_to(page, topic)
    page.keyboard.press("Space")
    weight = page.get_by_label("How much Loneliness matters")
    tab_to(page, weight)  # the weight appears right after its topic
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/where/$"))
    # Tab enters the radio group at its chosen (or first) choice; arrows move the choice.
    chosen = page.locator("input[name='mode']:checked")
    tab_to(page, chosen if chosen.count() else page.locator("input[name='mode']").first)
    either = page.get_by_label("Either", exact=True)
    for _ in range(3):
        if either.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(either).to_be_checked()
    expect(either).to_be_focused()
    search = page.get_by_label("Find your city")
    tab_to(page, search, key="Shift+Tab")  # the search sits above the form
    page.keyboard.type("london")
    london = page.get_by_label("London, United Kingdom")
    expect(london).to_be_visible()
    tab_to(page, london)
    page.keyboard.press("Space")
    expect(london).to_be_checked()
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/when/$"))
    preset = page.get_by_role("button", name="Weekday evenings")
    tab_to(page, preset)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Monday 18:00–18:30", exact=True)).to_be_checked()
    english = page.get_by_label("English")
    tab_to(page, english)
    page.keyboard.press("Space")
    finish = page.get_by_role("button", name="Finish")
    tab_to(page, finish)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Hello, Quinn")).to_be_visible()
    profile = Profile.objects.get(user=person)
    assert profile.is_onboarded and profile.mode == "either" and profile.city_name == "London"
    assert 36 in profile.availability and profile.languages == ["en"]


def _meetup_circle():
    circle = CircleFactory(mode="in_person")
    people = {}
    for name, role in (("Ana", Membership.Role.FACILITATOR), ("Ben", Membership.Role.MEMBER)):
        people[name] = OnboardedUserFactory(onboarded__display_name=name, onboarded__topics={})
        MembershipFactory(circle=circle, user=people[name], role=role)
    return circle, people


def test_rsvp_by_keyboard(asgi_live_server, site_context):
    circle, people = _meetup_circle()
    series = meetups.schedule_series(circle, people["Ana"], **series_fields())
    occurrence = series.occurrences.get()
    page = site_context(asgi_live_server.url, people["Ben"]).new_page()
    page.goto(f"{asgi_live_server.url}/meetups/{occurrence.pk}/")

    yes = page.get_by_role("button", name="Yes, I'll come")
    maybe = page.get_by_role("button", name="Maybe")
    expect(yes).to_have_attribute("aria-pressed", "false")
    tab_to(page, yes)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your RSVP is saved")).to_be_visible()
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(maybe).to_have_attribute("aria-pressed", "false")
    tab_to(page, maybe)
    page.keyboard.press("Space")
    expect(maybe).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    assert RSVP.objects.get(user=people["Ben"], occurrence=occurrence).answer == "maybe"


def test_chat_by_keyboard(asgi_live_server, site_context):
    circle, people = _meetup_circle()
    base = asgi_live_server.url
    pages = {}
    for name in ("Ana", "Ben"):
        pages[name] = site_context(base, people[name]).new_page()
        pages[name].goto(f"{base}/chat/{circle.pk}/")
        expect(pages[name].locator("[data-chat-status]")).to_have_text(re.compile("^Live"))
    ana, ben = pages["Ana"], pages["Ben"]
    box = ana.get_by_label("Your message")
    tab_to(ana, box)

    # Enter sends; Shift+Enter is a new line in the same message.
    ana.keyboard.type("First line")
    ana.keyboard.press("Shift+Enter")
    ana.keyboard.type("second line")
    ana.keyboard.press("Enter")
    expect(ben.locator(".chat-message", has_text="second line")).to_have_count(1)
    expect(box).to_have_value("")
    expect(box).to_be_focused()  # ready for the next message

    # Or Tab to Send and press it.
    ana.keyboard.type("Sent with the button")
    send = ana.get_by_role("button", name="Send")
    tab_to(ana, send)
    ana.keyboard.press("Enter")
    expect(ben.locator(".chat-message", has_text="Sent with the button")).to_have_count(1)
    bodies = list(Message.objects.filter(circle=circle).values_list("body", flat=True))
    assert bodies == ["First line\nsecond line", "Sent with the button"]

    # Ben reaches the report link of Ana's message from the keyboard.
    report = ben.get_by_role("link", name="Report this message by Ana").first
    tab_to(ben, report)
    ben.keyboard.press("Enter")
    expect(ben.get_by_role("heading", name="Report a message")).to_be_visible()
