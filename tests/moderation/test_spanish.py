"""The moderators' queue, a report's review page and the circle safety page in Spanish."""

from django.urls import reverse

from connect.moderation.models import Report
from tests.spanish import spanish_client


def test_review_queue_in_spanish(client, moderator, member, other_member, post):
    message = post(member, "bad")
    Report.objects.create(
        reporter=other_member, target_type="message", target_id=message.pk, reason="spam"
    )
    body = spanish_client(client, moderator).get(reverse("moderation:queue")).content.decode()
    assert "Cola de revisión" in body and "Alertas de crisis (máxima prioridad)" in body
    assert "en Tuesday evening circle" in body  # the item's label, around the circle's name
    assert "Review queue" not in body and "No open crisis alerts" not in body
    item = client.get(reverse("moderation:queue_item", args=["message", message.pk]))
    page = item.content.decode()
    assert "1 reporte abierto sobre este mensaje" in page and "Descartar los reportes" in page
    assert "open report on this message" not in page and "Dismiss the reports" not in page


def test_circle_safety_page_in_spanish(client, circle, facilitator, member):
    body = (
        spanish_client(client, facilitator)
        .get(reverse("moderation:circle", args=[circle.pk]))
        .content.decode()
    )
    assert "Herramientas de seguridad de" in body and "Eres facilitador/a de este círculo." in body
    assert "Safety tools for" not in body and "You are this circle" not in body
