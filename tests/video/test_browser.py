"""Video rooms in a real browser against a real Janus (Debian's chromium with a
fake camera and microphone; nothing mocked).

Two members join the same room and each receives the other's video and audio
(WebRTC statistics: inbound bytes and decoded frames keep growing); a person
outside the circle who swaps in another room's token or a forged one is
refused by Janus; a member removed by the facilitator is dropped within 5 s.
"""

import json
import secrets
import threading
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import expect

from connect.moderation.models import ModerationAction
from connect.moderation.services import moderation_action_take
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory
from tests.video.conftest import live_meetup

pytestmark = [pytest.mark.browser, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]

INBOUND = """async () => {
  const out = {audio: 0, video: 0, frames: 0};
  for (const handle of Object.values(window.connectVideo.subscribers)) {
    const pc = handle.webrtcStuff && handle.webrtcStuff.pc;
    if (!pc) continue;
    (await pc.getStats()).forEach((r) => {
      if (r.type !== "inbound-rtp") return;
      out[r.kind] += r.bytesReceived || 0;
      if (r.kind === "video") out.frames += r.framesDecoded || 0;
    });
  }
  return out;
}"""


@pytest.fixture(scope="module")
def media_browser(browser_type):
    """Chromium with a fake camera and microphone that needs no permission prompt."""
    browser = browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS)
    yield browser
    browser.close()


def room_page(browser, live_server, user, csp_watch, occurrence):
    client = Client()
    client.force_login(user)
    context = browser.new_context(permissions=["camera", "microphone"])
    csp_watch(context)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/video/meetup/{occurrence.pk}/")
    return page


def join(page):
    page.get_by_role("button", name="Join the room").click()
    expect(page.locator("#video-room")).to_have_attribute(
        "data-state", "publishing", timeout=20_000
    )


def tile(page, name):
    return page.locator(".video-tile:not(.is-self)", has_text=name)


def test_two_members_see_and_hear_each_other(
    media_browser, live_server, janus, video_circle, csp_watch
):
    circle, people, meetup = video_circle
    ann = room_page(media_browser, live_server, people["ann"], csp_watch, meetup)
    ben = room_page(media_browser, live_server, people["ben"], csp_watch, meetup)
    expect(ann.get_by_text("never recorded")).to_be_visible()
    expect(ann.get_by_role("link", name="Need help now").first).to_be_visible()
    expect(ann.get_by_role("link", name="Report")).to_be_visible()
    join(ann)
    join(ben)
    for page in (ann, ben):  # joined muted; each turns the microphone on from the keyboard
        mic = page.get_by_role("button", name="Microphone off")
        expect(mic).to_have_attribute("aria-pressed", "false")
        mic.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name="Microphone on")).to_have_attribute(
            "aria-pressed", "true"
        )
    expect(tile(ann, "Ben")).to_be_visible(timeout=20_000)
    expect(tile(ben, "Ann")).to_be_visible(timeout=20_000)
    assert tile(ann, "Ben").locator("video").get_attribute("playsinline") is not None

    for page, other in ((ann, "Ben"), (ben, "Ann")):
        deadline = time.monotonic() + 20
        first = page.evaluate(INBOUND)
        while not (first["video"] and first["audio"] and first["frames"]):
            assert time.monotonic() < deadline, f"no media from {other}: {first}"
            page.wait_for_timeout(500)
            first = page.evaluate(INBOUND)
        page.wait_for_timeout(2000)
        later = page.evaluate(INBOUND)
        assert later["video"] > first["video"], (other, first, later)
        assert later["audio"] > first["audio"], (other, first, later)
        assert later["frames"] > first["frames"], (other, first, later)

    results = Axe().run(ann)
    assert results.violations_count == 0, results.generate_report()
    ann.screenshot(path="var/video-room-two-participants.png", full_page=True)

    # The facilitator turns Ann's microphone off through the moderation service
    # (audited): Ben stops receiving her sound, and still sees her.
    act_in_thread(
        people["fay"], "video_mute", reason="Background noise", user=people["ann"], circle=circle
    )
    entry = ModerationAction.objects.get(kind="video_mute")
    assert (entry.actor_id, entry.target_user_id, entry.circle_id) == (
        people["fay"].pk,
        people["ann"].pk,
        circle.pk,
    )
    ben.wait_for_timeout(1500)  # what was already on its way arrives
    before = ben.evaluate(INBOUND)
    ben.wait_for_timeout(2000)
    after = ben.evaluate(INBOUND)
    assert after["audio"] - before["audio"] < 200, (before, after)  # silence: no audio packets
    assert after["frames"] > before["frames"], (before, after)


def act_in_thread(actor, kind, **kwargs):
    """A moderation action as the facilitator's request would run it: in another
    thread than Playwright's event loop (chat's on-commit broadcasts need that)."""
    thread = threading.Thread(target=moderation_action_take, args=(actor, kind), kwargs=kwargs)
    thread.start()
    thread.join()


def swap_config(page, **changes):
    """Rewrite the pass as it arrives (what a forger would do)."""

    def handle(route):
        response = route.fetch()
        route.fulfill(response=response, body=json.dumps({**response.json(), **changes}))

    page.route("**/video/meetup/*/pass/", handle)


def test_janus_refuses_another_rooms_token_and_a_forged_one(
    media_browser, live_server, janus, video_circle, csp_watch
):
    circle, people, meetup = video_circle
    ann = room_page(media_browser, live_server, people["ann"], csp_watch, meetup)
    join(ann)

    other_circle = CircleFactory(capacity=6)
    sam = MembershipFactory(
        circle=other_circle, user=OnboardedUserFactory(onboarded__display_name="Sam")
    ).user
    theirs = live_meetup(other_circle)
    # Sam's own, valid pass, pointed at Ann's room: the room's allowed list refuses it.
    client = Client()
    client.force_login(sam)
    assert client.get(f"/video/meetup/{meetup.pk}/").status_code == 404
    for changes in ({"room": meetup.pk}, {"token": secrets.token_urlsafe(32)}):
        intruder = room_page(media_browser, live_server, sam, csp_watch, theirs).context.new_page()
        swap_config(intruder, **changes)
        intruder.goto(f"{live_server.url}/video/meetup/{theirs.pk}/")
        intruder.get_by_role("button", name="Join the room").click()
        expect(intruder.locator("#video-room")).to_have_attribute("data-state", "refused")
        expect(intruder.get_by_text("The room did not let you in")).to_be_visible()
    ann.wait_for_timeout(1000)
    expect(ann.locator(".video-tile:not(.is-self)")).to_have_count(0)


def test_a_member_removed_by_the_facilitator_is_dropped_within_5_seconds(
    media_browser, live_server, janus, video_circle, csp_watch
):
    circle, people, meetup = video_circle
    ann = room_page(media_browser, live_server, people["ann"], csp_watch, meetup)
    ben = room_page(media_browser, live_server, people["ben"], csp_watch, meetup)
    join(ann)
    join(ben)
    expect(tile(ann, "Ben")).to_be_visible(timeout=20_000)

    started = time.monotonic()
    act_in_thread(
        people["fay"], "remove", reason="Shouting at members", user=people["ben"], circle=circle
    )
    expect(ben.locator("#video-room")).to_have_attribute("data-state", "ended", timeout=5_000)
    expect(ben.get_by_text("You are no longer in this room.")).to_be_visible(timeout=1_000)
    expect(tile(ann, "Ben")).to_have_count(
        0, timeout=max(0.1, 5 - (time.monotonic() - started)) * 1000
    )
    assert time.monotonic() - started < 5
