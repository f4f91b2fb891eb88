"""Circles, meetups and chat wait for 18+ and the community guidelines."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from connect.chat.models import Message
from connect.circles.models import JoinRequest
from tests.circles.helpers import active_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AGREE_FIRST = "Please confirm you are 18 or over and accept the community guidelines first."


def _paths(circle):
    return [
        reverse("circles:browse"),
        reverse("circles:mine"),
        reverse("circles:about", args=[circle.pk]),
        reverse("circles:join_request", args=[circle.pk]),
        reverse("meetups:feed_settings"),
        reverse("meetups:circle", args=[circle.pk]),
        reverse("chat:room", args=[circle.pk]),
        reverse("chat:send", args=[circle.pk]),
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_hole_3_circle_paths_redirect_to_the_agreements_step(client, htmx):
    circle = active_circle(members=4)
    newcomer = UserFactory()
    client.force_login(newcomer)
    target = reverse("onboarding_step", args=["agreements"])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for path in _paths(circle):
        for method in (client.get, client.post):
            response = method(path, {"note": "hi", "body": "hello"}, **headers)
            if htmx:
                assert response["HX-Redirect"] == target, path
            else:
                assert response.status_code == 302, path
                assert response["Location"] == target, path
            assert AGREE_FIRST in [str(m) for m in get_messages(response.wsgi_request)]
    assert not JoinRequest.objects.exists()
    assert not Message.objects.exists()


def test_agreed_people_and_other_paths_are_not_redirected(client, member_user):
    client.force_login(member_user)
    assert client.get(reverse("circles:browse")).status_code == 200
    newcomer = UserFactory()
    client.force_login(newcomer)
    assert client.get(reverse("onboarding_step", args=["about"])).status_code == 200


def test_the_calendar_feed_is_left_to_its_own_checks(client):
    newcomer = UserFactory()
    client.force_login(newcomer)
    response = client.get(reverse("meetups:feed", args=["not-a-token"]))
    assert response.get("Location") != reverse("onboarding_step", args=["agreements"])
