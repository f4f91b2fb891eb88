"""The dashboard: circles, next meetup placeholder, onboarding progress; bounded queries."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OnboardedUserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_queries_do_not_grow_with_circles(client, django_assert_num_queries):
    person = OnboardedUserFactory()
    for _ in range(3):
        MembershipFactory(user=person)
    client.force_login(person)
    client.get(reverse("dashboard"))  # warm the session
    # session, the user with profile, suspension, warning and moderator columns
    # (connect.core.auth), unread notifications, circles, blocks, chat unread
    # counts, next meetup: 7, however many circles the person is in.
    with django_assert_num_queries(7):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    for _ in range(5):
        MembershipFactory(user=person)
    with django_assert_num_queries(7):
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
