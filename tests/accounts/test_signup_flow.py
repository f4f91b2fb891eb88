"""Sign-up → verification email → verify (POST) → onboarding → dashboard."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.helpers import PASSWORD, confirmation_link, valid_steps

pytestmark = pytest.mark.django_db


def sign_up(client, email="river@example.com"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signup_sends_text_and_html_verification_email(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["river@example.com"]
    assert message.subject == "[Connect] Confirm your email address"
    assert "/accounts/confirm-email/" in message.body
    html = message.alternatives[0]
    assert html[1] == "text/html"
    assert "Confirm my email address" in html[0]


def test_unverified_person_cannot_log_in(client):
    sign_up(client)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "river@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_confirmation_link_does_not_confirm_on_get(client):
    sign_up(client)
    link = confirmation_link(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 200
    assert b"Confirm" in response.content
    user = User.objects.get(email="river@example.com")
    assert not user.emailaddress_set.get().verified


def test_signup_verify_onboard_dashboard(client):
    sign_up(client)
    link = confirmation_link(mail.outbox[0])

    # Confirming is a POST; it logs the person in and sends them to onboarding.
    response = client.post(link)
    user = User.objects.get(email="river@example.com")
    assert user.emailaddress_set.get().verified
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding")

    response = client.get(reverse("onboarding"))
    assert response["Location"] == reverse("onboarding_step", args=["about"])

    steps = valid_steps()
    slugs = list(steps)
    for index, slug in enumerate(slugs):
        page = client.get(reverse("onboarding_step", args=[slug]))
        assert page.status_code == 200
        assert f"Step {index + 1} of 5".encode() in page.content
        response = client.post(reverse("onboarding_step", args=[slug]), steps[slug])
        assert response.status_code == 302, response.content.decode()[:3000]
        if index + 1 < len(slugs):
            assert response["Location"] == reverse("onboarding_step", args=[slugs[index + 1]])
    assert response["Location"] == reverse("dashboard")

    profile = user.profile
    profile.refresh_from_db()
    assert profile.is_onboarded
    assert profile.display_name == "River"
    assert profile.guidelines_version == "2026-11"
    assert profile.adult_confirmed_at is not None
    assert profile.city_name == "London" and profile.country_code == "GB"
    assert profile.city_geoname_id == 2643743
    assert round(profile.lat, 2) == 51.51 and round(profile.lon, 2) == -0.13
    assert profile.timezone == "Europe/London"
    assert profile.availability == [36, 37, 38]
    assert profile.languages == ["en"]
    assert (profile.size_min, profile.size_max) == (4, 6)
    assert profile.is_looking
    weights = {pt.topic.slug: pt.weight for pt in profile.topic_weights.select_related("topic")}
    assert weights == {"grief": 3, "anxiety": 1}

    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert b"Hello, River" in dashboard.content
    assert b"Finish setting up" not in dashboard.content

    # Logging in again goes straight to the dashboard now.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "river@example.com", "password": PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")
