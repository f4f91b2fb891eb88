"""The dashboard: circles, next meetup placeholder, onboarding progress; bounded queries."""

import pytest
from django.urls import reverse

from connect.circles import services
from connect.circles.models import Invitation, Membership
from connect.notifications.models import Kind, Notification
from tests.circles.helpers import active_circle
from tests.factories import MembershipFactory, OnboardedUserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_queries_do_not_grow_with_circles(client, django_assert_num_queries):
    person = OnboardedUserFactory()
    for _ in range(3):
        MembershipFactory(user=person)
    client.force_login(person)
    client.get(reverse("dashboard"))  # warm the session
    # session, the user with profile, suspension, warning and moderator columns
    # (connect.core.auth), unread notifications, pending invitations, circles, blocks, chat unread
    # counts, next meetup: 8, however many circles the person is in.
    with django_assert_num_queries(8):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    for _ in range(5):
        MembershipFactory(user=person)
    with django_assert_num_queries(8):
        response = client.get(reverse("dashboard"))
    assert response.content.decode().count("Evening circle") == 8


def test_dashboard_shows_onboarding_progress(client, user):
    client.force_login(user)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Finish setting up" in body
    assert "0 of 5 steps saved; next: about you." in body
    profile = user.profile
    profile.onboarding_step = 2
    profile.save()
    body = client.get(reverse("dashboard")).content.decode()
    assert "2 of 5 steps saved; next: topics." in body
    assert '<progress max="5" value="2"' in body


def test_dashboard_for_a_seeker_without_circles(client, member_user):
    client.force_login(member_user)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Finish setting up" not in body
    assert "You're waiting for a circle" in body
    assert "Your next meetup" in body


def test_landing_redirects_logged_in_people(client, member_user):
    client.force_login(member_user)
    assert client.get(reverse("landing"))["Location"] == reverse("dashboard")


def test_landing_says_what_connect_is(client):
    body = client.get(reverse("landing")).content.decode()
    assert "peer support" in body.lower()
    assert "not therapy" in body
    assert "not an AI" in body or "not an AI companion" in body


def _invited(member_user):
    circle = active_circle(members=4, capacity=6)
    return services.invitations_create(circle, [member_user.pk], kind=Invitation.Kind.TOP_UP)[0]


def _invitation_notice(user) -> Notification:
    return Notification.objects.get(user=user, kind=Kind.INVITATION)


def test_a_pending_invitation_comes_first_with_accept_and_decline(client, member_user):
    inv = _invited(member_user)
    client.force_login(member_user)
    body = client.get(reverse("dashboard")).content.decode()
    assert "You're waiting for a circle" not in body
    answer = body.index(f'action="{reverse("circles:invitation", args=[inv.pk])}"')
    assert body.index(inv.circle.name) < body.index("Your circles")
    assert answer < body.index("Your circles")
    assert 'name="action" value="accept"' in body
    assert 'name="action" value="decline"' in body


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answering_marks_the_invitation_notice_read(client, member_user, action):
    inv = _invited(member_user)
    assert _invitation_notice(member_user).read_at is None
    client.force_login(member_user)
    response = client.post(reverse("circles:invitation", args=[inv.pk]), {"action": action})
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.status == ("accepted" if action == "accept" else "declined")
    assert _invitation_notice(member_user).read_at is not None
    assert Membership.objects.filter(user=member_user, circle=inv.circle).exists() == (
        action == "accept"
    )
    body = client.get(reverse("dashboard")).content.decode()
    assert "waiting for your answer" not in body
