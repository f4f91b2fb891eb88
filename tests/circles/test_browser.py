"""In a real browser: accept an invitation, then find the circle page."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from connect.circles import services
from connect.circles.models import Circle, Invitation, Membership
from tests.circles.helpers import active_circle, make_seekers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def test_accept_an_invitation_and_volunteer_with_the_keyboard(page, live_server):
    circle = active_circle(members=4, capacity=6)
    person = make_seekers(1)[0]
    invitation = services.invitations_create(circle, [person.pk], kind=Invitation.Kind.TOP_UP)[0]
    _log_in(page, live_server, person)

    page.goto(f"{live_server.url}/circles/mine/")
    page.get_by_role("link", name=circle.name).click()
    assert page.get_by_role("heading", name="Why you were matched").is_visible()
    assert "Europe/London" in page.content()
    page.get_by_label("I'm willing to facilitate this circle").check()
    page.get_by_role("button", name="Accept").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/circles/{circle.pk}/")
    assert page.get_by_role("heading", name="Members (5)").is_visible()
    # The chat panel is on the page, with a link to the plain (no-JavaScript) chat page.
    assert page.get_by_role("heading", name="Circle chat").is_visible()
    assert page.get_by_role("link", name="Open the chat on its own page").get_attribute("href") == (
        f"/chat/{circle.pk}/"
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    # The circle already had a facilitator, so the volunteer joins as a member.
    assert Membership.objects.get(user=person).role == Membership.Role.MEMBER
    assert Circle.objects.get(pk=circle.pk).member_count == 5


def test_browse_and_ask_to_join(page, live_server):
    circle = active_circle(members=4, capacity=6)
    person = make_seekers(1)[0]
    _log_in(page, live_server, person)
    page.goto(f"{live_server.url}/circles/")
    page.get_by_label("Mode").select_option("virtual")
    page.get_by_role("button", name="Show circles").click()
    page.get_by_role("link", name=circle.name).click()
    page.get_by_label("A short note for the facilitator (optional)").fill("Hello, I'd like to join")
    page.get_by_role("button", name="Ask to join").click()
    page.wait_for_url("**/circles/mine/")
    assert page.get_by_text("Waiting for the facilitator").is_visible()
