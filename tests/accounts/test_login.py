"""Logging in: by email, rate limits, suspension, password reset, email change, two-factor."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from connect.safety.models import Suspension
from tests.factories import OnboardedUserFactory, UserFactory

PASSWORD = "a-good-long-passphrase"
TOO_MANY = "Too many failed login attempts. Try again later."


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def assert_login_rate_limited(client):
    person = OnboardedUserFactory()
    for attempt in range(5):
        response = login(client, person.email, f"wrong-{attempt}")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
        assert "not correct" in response.content.decode()
    # The 6th failure for this account within five minutes is refused, even with
    # the right password, with allauth's message.
    response = login(client, person.email, PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    other = OnboardedUserFactory()
    assert login(client, other.email, PASSWORD)["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_login_by_email_goes_to_dashboard_or_onboarding(client):
    onboarded = OnboardedUserFactory()
    assert login(client, onboarded.email, PASSWORD)["Location"] == reverse("dashboard")
    client.logout()
    newcomer = UserFactory()
    assert login(client, newcomer.email, PASSWORD)["Location"] == reverse("onboarding")


@pytest.mark.django_db
def test_sixth_failed_login_for_an_account_is_refused(client):
    assert_login_rate_limited(client)


@pytest.mark.redis
@pytest.mark.django_db
def test_login_rate_limit_holds_in_the_shared_redis_cache(client, settings):
    """With REDIS_URL the counters live in Redis, shared by every web process."""
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert_login_rate_limited(client)


@pytest.mark.django_db
def test_suspended_person_cannot_log_in(client):
    person = OnboardedUserFactory()
    Suspension.objects.create(
        user=person,
        reason="test",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=3),
    )
    response = login(client, person.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "Your account is suspended until" in page.content.decode()
    assert "can&#x27;t log in" in page.content.decode()


@pytest.mark.django_db
def test_lifted_suspension_allows_login(client):
    person = OnboardedUserFactory()
    Suspension.objects.create(
        user=person, reason="test", starts_at=timezone.now(), lifted_at=timezone.now()
    )
    assert login(client, person.email, PASSWORD)["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_password_reset_sends_text_and_html_email(client):
    person = OnboardedUserFactory()
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Connect] Reset your password"
    assert "/accounts/password/reset/key/" in message.body
    assert "Choose a new password" in message.alternatives[0][0]


@pytest.mark.django_db
def test_change_email_sends_a_confirmation(client):
    person = OnboardedUserFactory()
    client.force_login(person)
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
    assert b'class="subnav"' in page.content
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new-address@example.com"}
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new-address@example.com"]
    assert "Confirm your email address" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_two_factor_pages_use_the_site_layout(client):
    person = OnboardedUserFactory()
    client.force_login(person)
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Need help now" in body  # our base.html
    assert "Authenticator App" in body
    assert reverse("mfa_activate_totp") in body


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_use_the_site_layout_and_labels(client, name):
    body = client.get(reverse(name)).content.decode()
    assert "Need help now" in body
    assert 'class="skip-link"' in body
    assert '<label for="id_email">' in body or '<label for="id_login">' in body
