"""The invitation page and email speak the person's language: topic names, the
language's name, and the deadline in their own time zone."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from connect.circles import services
from connect.circles.models import Invitation
from connect.notifications.tasks import outbox_send
from tests.circles.helpers import active_circle, make_seekers
from tests.outbox import email_of

pytestmark = pytest.mark.django_db

DEADLINE = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)  # 19:00 in Tokyo, a Monday


def _invitation():
    circle = active_circle(members=4, capacity=6, language="es")
    person = make_seekers(1, timezone="Asia/Tokyo")[0]
    inv = services.invitations_create(
        circle, [person.pk], kind=Invitation.Kind.TOP_UP, topic_slugs=["screens-and-ai", "grief"]
    )[0]
    Invitation.objects.filter(pk=inv.pk).update(expires_at=DEADLINE)
    return Invitation.objects.get(pk=inv.pk)


def _check(text: str) -> None:
    assert "Cutting down on screens and AI companions" in text
    assert "screens and ai" not in text
    assert "Spanish" in text
    assert "in es" not in text
    assert "Monday 4 March 2030, 19:00 (Asia/Tokyo)" in text


def test_invitation_page_shows_names_and_local_deadline(client):
    inv = _invitation()
    client.force_login(inv.user)
    body = client.get(reverse("circles:invitation", args=[inv.pk])).content.decode()
    _check(body)


def test_invitation_email_shows_names_and_local_deadline():
    inv = _invitation()
    mail.outbox.clear()
    assert outbox_send(email_of("invitation", inv.pk).pk) == "sent"
    message = mail.outbox[-1]
    _check(message.body)
    _check(message.alternatives[0][0])
