"""Two members in two browser contexts chat live through a real daphne server.

pytest-django's live_server is WSGI only, so the test starts daphne itself on a
free port, pointed at this run's test database (a SQLite file here).
"""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.chat.conftest import session_cookie
from tests.chat.servers import daphne_servers
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(playwright):
    """Debian's chromium, launched directly: tests/conftest.py's function-scoped
    ``browser_type_launch_args`` cannot feed pytest-playwright's session ``browser``."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _open_chat(chromium, base, cookie, circle_id, csp_watch, timezone_id=None):
    context = chromium.new_context(timezone_id=timezone_id)
    csp_watch(context)
    name, value = cookie.split("=", 1)
    context.add_cookies([{"name": name, "value": value, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/chat/{circle_id}/")
    expect(page.locator("[data-chat-status]")).to_have_text(re.compile("^Live"))
    return context, page


@pytest.fixture
def circle_members(db):
    circle = CircleFactory()
    people = {}
    for name in ("Ana", "Ben"):
        people[name] = OnboardedUserFactory(onboarded__display_name=name, onboarded__topics={})
        MembershipFactory(circle=circle, user=people[name])
    return circle, people


def test_two_members_chat_live(chromium, circle_members, tmp_path, csp_watch):
    circle, people = circle_members
    with daphne_servers(1, tmp_path) as (host,):
        base = f"http://{host}"
        ana_ctx, ana = _open_chat(
            chromium, base, session_cookie(people["Ana"]), circle.pk, csp_watch
        )
        ben_ctx, ben = _open_chat(
            chromium, base, session_cookie(people["Ben"]), circle.pk, csp_watch
        )
        try:
            expect(ana.locator("[data-chat-online]")).to_contain_text("Ben")

            ana.get_by_label("Your message").fill("Hi Ben <b>not bold</b>")
            ana.keyboard.press("Enter")
            ben_list = ben.locator("[data-chat-list]")
            expect(ben_list).to_contain_text("Hi Ben <b>not bold</b>")
            assert ben_list.locator("b").count() == 0  # text, never HTML
            expect(ben_list).to_have_attribute("aria-live", "polite")

            ben.get_by_label("Your message").press_sequentially("Hello Ana")
            expect(ana.locator("[data-chat-typing]")).to_contain_text("Ben is typing")
            ben.get_by_role("button", name="Send").click()
            expect(ana.locator("[data-chat-list]")).to_contain_text("Hello Ana")
            # Sent once, drawn once (the broadcast and history are de-duplicated).
            expect(ana.locator(".chat-message", has_text="Hello Ana")).to_have_count(1)

            # Ana deletes her message; Ben sees "message deleted" live.
            ana.once("dialog", lambda dialog: dialog.accept())
            ana.get_by_role("button", name="Delete your message").click()
            expect(ben_list).to_contain_text("message deleted")
            expect(ben_list).not_to_contain_text("not bold")
        finally:
            ana_ctx.close()
            ben_ctx.close()


def _normalized(li_html: str) -> str:
    """A message's markup without what may differ between two renderings of the
    same message: whitespace between tags and the per-response CSRF token."""
    li_html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", li_html)
    li_html = re.sub(r">\s+<", "><", li_html)
    return re.sub(r"\s+", " ", li_html).strip()


def test_a_live_message_looks_as_it_does_after_a_reload(
    chromium, circle_members, tmp_path, csp_watch
):
    """Both ways of drawing a message agree: the one that arrived over the
    socket and the same message drawn by the server after a reload, time
    included (in the reader's zone from their profile, not the browser's)."""
    circle, people = circle_members
    for name, zone in (("Ana", "Asia/Kolkata"), ("Ben", "America/St_Johns")):
        people[name].profile.timezone = zone
        people[name].profile.save(update_fields=["timezone"])
    with daphne_servers(1, tmp_path) as (host,):
        base = f"http://{host}"
        # The browsers' own zone is neither reader's: the profile's zone counts.
        ana_ctx, ana = _open_chat(
            chromium, base, session_cookie(people["Ana"]), circle.pk, csp_watch, "Pacific/Auckland"
        )
        ben_ctx, ben = _open_chat(
            chromium, base, session_cookie(people["Ben"]), circle.pk, csp_watch, "Pacific/Auckland"
        )
        try:
            ben.get_by_label("Your message").fill("Same <i>either</i> way\nsecond line")
            ben.get_by_role("button", name="Send").click()
            live = {}
            for name, page in (("Ana", ana), ("Ben", ben)):
                item = page.locator(".chat-message", has_text="Same <i>either</i> way")
                expect(item).to_have_count(1)
                if name == "Ben":
                    expect(item.get_by_role("link", name="Edit your message")).to_have_count(1)
                live[name] = _normalized(item.evaluate("node => node.outerHTML"))
            # Ana edits hers live; Ben sees "(edited)".
            ana.get_by_label("Your message").fill("Ana's first")
            ana.keyboard.press("Enter")
            ana_item = ana.locator(".chat-message", has_text="Ana's first")
            expect(ana_item).to_have_count(1)
            ana_item.get_by_role("link", name="Edit your message").click()
            ana.get_by_label("Edit your message").fill("Ana's second")
            ana.get_by_role("button", name="Save").click()
            expect(ben.locator(".chat-message", has_text="Ana's second")).to_contain_text(
                "(edited)"
            )
            live["Ben edited"] = _normalized(
                ben.locator(".chat-message", has_text="Ana's second").evaluate(
                    "node => node.outerHTML"
                )
            )
            for page in (ana, ben):
                page.reload()
                expect(page.locator("[data-chat-status]")).to_have_text(re.compile("^Live"))
            for name, page in (("Ana", ana), ("Ben", ben)):
                item = page.locator(".chat-message", has_text="Same <i>either</i> way")
                assert _normalized(item.evaluate("node => node.outerHTML")) == live[name]
            reloaded = ben.locator(".chat-message", has_text="Ana's second")
            assert _normalized(reloaded.evaluate("node => node.outerHTML")) == live["Ben edited"]
            # The two readers see the time in their own zones (5 h 30 vs -2 h 30 from UTC).
            ana_time = ana.locator(".chat-message time").first.inner_text()
            ben_time = ben.locator(".chat-message time").first.inner_text()
            assert ana_time != ben_time
        finally:
            ana_ctx.close()
            ben_ctx.close()


def test_a_mute_closes_the_composer_of_the_open_chat_at_once(chromium, tmp_path, csp_watch):
    """The facilitator mutes Ben from the circle's safety page; Ben's open chat
    hides its composer and says he is muted, without a reload or a send. Ben
    reloads (the page is drawn muted) and appeals; a moderator reverses the
    mute, and the composer of that page comes back at once."""
    from django.urls import reverse

    from connect.circles.models import Membership
    from connect.moderation.models import ModerationAction
    from connect.moderation.services import appeal_create
    from tests.circles.test_lifecycle import make_moderator

    circle = CircleFactory()
    ana = OnboardedUserFactory(onboarded__display_name="Ana", onboarded__topics={})
    ben = OnboardedUserFactory(onboarded__display_name="Ben", onboarded__topics={})
    MembershipFactory(circle=circle, user=ana, role=Membership.Role.FACILITATOR)
    MembershipFactory(circle=circle, user=ben)
    with daphne_servers(1, tmp_path) as (host,):
        base = f"http://{host}"
        ben_ctx, ben_page = _open_chat(chromium, base, session_cookie(ben), circle.pk, csp_watch)
        ana_ctx = chromium.new_context()
        csp_watch(ana_ctx)
        name, value = session_cookie(ana).split("=", 1)
        ana_ctx.add_cookies([{"name": name, "value": value, "url": base}])
        ana_page = ana_ctx.new_page()
        try:
            expect(ben_page.get_by_label("Your message")).to_be_visible()
            ana_page.goto(base + reverse("moderation:circle", args=[circle.pk]))
            ana_page.locator("input[name=kind][value=mute]").check()
            ana_page.locator("select[name=person]").select_option(str(ben.pk))
            ana_page.locator("select[name=duration]").select_option("1")
            ana_page.locator("textarea[name=reason]").fill("Cooling off")
            ana_page.get_by_role("button", name="Apply").click()
            expect(ana_page.locator("main")).to_be_visible()

            expect(ben_page.get_by_label("Your message")).to_be_hidden()
            expect(ben_page.locator("[data-chat-muted]")).to_have_text(
                "You are muted in this circle for now: you can read but not post."
            )

            ben_page.reload()
            expect(ben_page.locator("[data-chat-muted]")).to_be_visible()
            expect(ben_page.get_by_label("Your message")).to_be_hidden()
            expect(ben_page.locator("[data-chat-status]")).to_have_text(re.compile("^Live"))
            mute = ModerationAction.objects.get(
                kind=ModerationAction.Kind.MUTE, target_user_id=ben.pk
            )
            appeal = appeal_create(ben, mute, "I was calm.")
            moderator = make_moderator()
            name, value = session_cookie(moderator).split("=", 1)
            ana_ctx.add_cookies([{"name": name, "value": value, "url": base}])
            ana_page.goto(base + reverse("moderation:appeal_review", args=[appeal.pk]))
            ana_page.locator("input[name=decision][value=overturn]").check()
            ana_page.locator("textarea[name=reason]").fill("Fair point.")
            ana_page.get_by_role("button", name="Decide").click()
            expect(ana_page.locator("main")).to_be_visible()

            expect(ben_page.get_by_label("Your message")).to_be_visible()
            expect(ben_page.locator("[data-chat-muted]")).to_have_count(0)
        finally:
            ana_ctx.close()
            ben_ctx.close()
