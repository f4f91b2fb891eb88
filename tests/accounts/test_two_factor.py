"""TOTP two-factor with recovery codes: activate from My profile, then log in with a code."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import OnboardedUserFactory

PASSWORD = "a-good-long-passphrase"
pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_activate_totp_then_login_needs_a_code(client):
    person = OnboardedUserFactory()
    login = {"login": person.email, "password": PASSWORD}
    assert client.post(reverse("account_login"), login)["Location"] == reverse("dashboard")

    # My profile links to two-factor; activating shows a secret to scan.
    assert reverse("mfa_index").encode() in client.get(reverse("profile")).content
    # Adding a second factor asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b"Need help now" in page.content  # the site's layout
    secret = client.session[SECRET_SESSION_KEY]

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=person).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    kinds = set(Authenticator.objects.filter(user=person).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200

    # Logging in now stops at the code step until a valid code is given.
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), login)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    # Use a recovery code, one of the unused ones.
    recovery = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
    code = recovery.wrap().get_unused_codes()[0]
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(person.pk)
