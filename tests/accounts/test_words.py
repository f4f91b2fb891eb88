"""One set of words everywhere: "Log in" and "Sign up", on the site's pages and
on allauth's (overridden in templates/account/ and templates/mfa/)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.helpers import PASSWORD, confirmation_link

pytestmark = pytest.mark.django_db

OTHER_WORDS = re.compile(r"\b[Ss]ign[ -]?[Ii]n\b|\b[Ss]ignup\b|Sign Up|Log In\b|\bLogin\b|Register")


def _text(html: str) -> str:
    """What a reader sees: the page without tags, scripts or attribute values."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _uses_site_words(html: str) -> str:
    text = _text(html)
    assert not OTHER_WORDS.search(text), OTHER_WORDS.search(text)
    return text


def test_entrance_pages_say_log_in_and_sign_up(client):
    login = _uses_site_words(client.get(reverse("account_login")).content.decode())
    assert login.count("Log in") >= 2 and "Sign up" in login
    signup = _uses_site_words(client.get(reverse("account_signup")).content.decode())
    assert signup.count("Sign up") >= 2 and "Log in" in signup
    for name in ("landing", "account_reset_password"):
        _uses_site_words(client.get(reverse(name)).content.decode())


def test_sign_up_pages_and_the_confirm_page_read_plainly(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "river@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    sent = _uses_site_words(response.content.decode())
    assert "Check your email" in sent
    confirm = _uses_site_words(client.get(confirmation_link(mail.outbox[0])).content.decode())
    assert "Is river@example.com your email address?" in confirm
    assert "for user" not in confirm
