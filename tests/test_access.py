"""The one refusal and its answers: 404 by default, 403, or a redirect with a notice."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from connect.access import AccessDenied, answers_access_denied, forbidden, valid_id


def _request(**headers):
    request = RequestFactory().get("/somewhere/", headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def _view(error):
    @answers_access_denied
    def view(request):
        raise error

    return view


def test_default_is_404_with_the_message_in_the_layout():
    response = _view(AccessDenied("No such meetup."))(_request())
    assert response.status_code == 404
    body = response.content.decode()
    assert "No such meetup." in body
    assert "Need help now" in body  # the site's layout


def test_403_for_people_who_may_know_it_exists():
    response = _view(forbidden("Only site moderators can see this page."))(_request())
    assert response.status_code == 403
    assert "Only site moderators can see this page." in response.content.decode()


def test_redirect_with_a_notice():
    request = _request()
    response = _view(AccessDenied("Agree first.", redirect_to="/onboarding/agreements/"))(request)
    assert response.status_code == 302
    assert response["Location"] == "/onboarding/agreements/"
    assert [str(m) for m in get_messages(request)] == ["Agree first."]


def test_htmx_redirect():
    request = _request(HX_Request="true")
    response = _view(AccessDenied("Agree first.", redirect_to="/onboarding/agreements/"))(request)
    assert response["HX-Redirect"] == "/onboarding/agreements/"


def test_a_view_that_passes_answers_as_usual():
    @answers_access_denied
    def view(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    assert view(_request()).content == b"ok"


def test_only_404_or_403():
    with pytest.raises(ValueError):
        AccessDenied("x", status=500)


@pytest.mark.parametrize("value", [0, -1, 2**63, "3", True, None])
def test_valid_id_refuses_what_no_row_can_have(value):
    with pytest.raises(AccessDenied) as caught:
        valid_id(value)
    assert caught.value.status == 404


def test_valid_id_passes_a_row_id():
    assert valid_id(2**63 - 1) == 2**63 - 1
