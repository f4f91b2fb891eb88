"""The circle pages, the invitation page and the invitation email in Spanish."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from connect.circles import services
from connect.circles.models import Invitation, Membership
from connect.notifications.tasks import outbox_send
from tests.circles.helpers import active_circle, make_seekers
from tests.outbox import email_of
from tests.spanish import in_spanish, spanish_client

pytestmark = pytest.mark.django_db

DEADLINE = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)  # 19:00 in Tokyo, a Monday


def _invitation():
    circle = active_circle(members=4, capacity=6)
    person = make_seekers(1, timezone="Asia/Tokyo")[0]
    inv = services.invitations_create(
        circle, [person.pk], kind=Invitation.Kind.TOP_UP, topic_slugs=["grief"]
    )[0]
    Invitation.objects.filter(pk=inv.pk).update(expires_at=DEADLINE)
    return Invitation.objects.get(pk=inv.pk)


def test_circle_page_in_spanish(client):
    circle = active_circle(members=4)
    facilitator = circle.memberships.get(role=Membership.Role.FACILITATOR).user
    body = (
        spanish_client(client, facilitator)
        .get(reverse("circles:detail", args=[circle.pk]))
        .content.decode()
    )
    for spanish in (
        "Salir de este círculo",
        "Ajustes del círculo",
        "Miembros (4)",
        "Chat del círculo",
    ):
        assert spanish in body
    for english in ("Leave this circle", "Circle settings", "Members (4)", "Circle chat"):
        assert english not in body


def test_browse_page_in_spanish(client):
    person = make_seekers(1)[0]
    body = spanish_client(client, person).get(reverse("circles:browse")).content.decode()
    assert "Explorar círculos abiertos" in body and "Cualquier día" in body
    assert "Browse open circles" not in body and "Any day" not in body


def test_invitation_page_in_spanish(client):
    inv = _invitation()
    body = (
        spanish_client(client, inv.user)
        .get(reverse("circles:invitation", args=[inv.pk]))
        .content.decode()
    )
    assert "Por qué te emparejamos" in body
    assert "lunes 4 de marzo de 2030, 19:00 (Asia/Tokyo)" in body
    assert "Aceptar" in body and "Rechazar" in body
    assert "Why you were matched" not in body and "Monday" not in body


def test_invitation_email_in_spanish():
    inv = _invitation()
    mail.outbox.clear()
    with in_spanish(inv.user):
        assert outbox_send(email_of("invitation", inv.pk).pk) == "sent"
    message = mail.outbox[-1]
    assert message.subject.endswith(f"Te invitamos a {inv.circle.name}")
    for text in (message.body, message.alternatives[0][0]):
        assert "Por qué te emparejamos" in text
        assert "lunes 4 de marzo de 2030, 19:00" in text
        assert "Why you were matched" not in text and "Please answer by" not in text
