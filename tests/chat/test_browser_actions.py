"""In a real browser: a message that arrives live carries the same Report and
Block links as the server-drawn page, built from URLs the server gives."""

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.chat.conftest import session_cookie
from tests.chat.servers import daphne_servers
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(playwright):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _open_chat(chromium, base, cookie, circle_id):
    context = chromium.new_context()
    name, value = cookie.split("=", 1)
    context.add_cookies([{"name": name, "value": value, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/chat/{circle_id}/")
    expect(page.locator("[data-chat-status]")).to_have_text(re.compile("^Live"))
    return context, page


def test_live_messages_carry_report_and_block_links(chromium, circle_members, tmp_path):
    circle, people = circle_members
    with daphne_servers(1, tmp_path) as (host,):
        base = f"http://{host}"
        ana_ctx, ana = _open_chat(chromium, base, session_cookie(people["Ana"]), circle.pk)
        ben_ctx, ben = _open_chat(chromium, base, session_cookie(people["Ben"]), circle.pk)
        try:
            ben.get_by_label("Your message").fill("Live from Ben")
            ben.keyboard.press("Enter")
            theirs = ana.locator(".chat-message", has_text="Live from Ben")
            expect(theirs).to_have_count(1)
            message_id = theirs.get_attribute("data-id")
            report = theirs.get_by_role("link", name="Report this message by Ben")
            expect(report).to_have_attribute(
                "href", f"{reverse('moderation:report')}?type=message&id={message_id}"
            )
            block = theirs.get_by_role("link", name="Block Ben")
            expect(block).to_have_attribute(
                "href", f"{reverse('moderation:block')}?user_id={people['Ben'].pk}"
            )
            # Ben's own copy has no Report or Block link.
            mine = ben.locator(".chat-message", has_text="Live from Ben")
            expect(mine.get_by_role("link", name=re.compile("Report|Block"))).to_have_count(0)
        finally:
            ana_ctx.close()
            ben_ctx.close()


def test_live_crisis_card_and_times_match_the_page(chromium, circle_members, tmp_path):
    """A crisis phrase sent live shows the crisis card once (one heading) and
    still says the message was posted; a live message's time reads exactly as
    the page writes it after a reload (the reader's zone, a half-hour offset)."""
    circle, people = circle_members
    profile = people["Ana"].profile
    profile.timezone = "Asia/Kolkata"
    profile.save()
    with daphne_servers(1, tmp_path) as (host,):
        base = f"http://{host}"
        ctx, ana = _open_chat(chromium, base, session_cookie(people["Ana"]), circle.pk)
        try:
            ana.get_by_label("Your message").fill("I want to die")
            ana.keyboard.press("Enter")
            card = ana.locator("[data-chat-crisis]")
            expect(card.get_by_role("heading", name="You're not alone")).to_have_count(1)
            expect(ana.get_by_text("You're not alone")).to_have_count(1)
            expect(ana.get_by_text("Your message was posted", exact=False)).to_be_visible()
            live = ana.locator(".chat-message", has_text="I want to die")
            expect(live).to_have_count(1)
            live_time = live.locator("time").inner_text()
            ana.reload()
            drawn = ana.locator(".chat-message", has_text="I want to die").locator("time")
            assert drawn.inner_text() == live_time
        finally:
            ctx.close()
