"""With debug off, errors answer in the site's own layout with the help link."""

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def _in_layout(body: str) -> None:
    assert '<header class="site-header">' in body
    assert "Need help now" in body
    assert 'href="/help/"' in body
    assert "<main" in body


def test_a_missing_page_is_calm_and_in_the_layout(client, settings, member_user):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    _in_layout(body)
    assert "We can't find that page" in body
    client.force_login(member_user)
    body = client.get("/no-such-page/").content.decode()
    _in_layout(body)
    assert "My profile" in body  # the logged-in header


@pytest.mark.parametrize(
    ("view", "exception", "status", "words"),
    [
        (defaults.bad_request, BadRequest(), 400, "We couldn't understand that request"),
        (defaults.permission_denied, PermissionDenied(), 403, "This page isn't open to you"),
        (defaults.page_not_found, Http404(), 404, "We can't find that page"),
    ],
)
def test_error_views_use_the_site_pages(settings, view, exception, status, words):
    settings.DEBUG = False
    request = RequestFactory().get("/somewhere/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = view(request, exception)
    assert response.status_code == status
    body = response.content.decode()
    _in_layout(body)
    assert words in body


def test_a_server_error_page_needs_no_request_context(settings):
    settings.DEBUG = False
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    _in_layout(body)
    assert "Something went wrong on our side" in body


def test_a_refused_form_token_explains_itself(settings, member_user):
    from django.test import Client

    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_user)
    response = client.post("/me/onboarding/about/", {"display_name": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    _in_layout(body)
    assert "Please try that again" in body
