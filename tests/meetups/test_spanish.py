"""The meetup pages and their form errors in Spanish."""

from django.urls import reverse

from tests.spanish import spanish_client


def test_circle_meetups_page_and_form_errors_in_spanish(client, circle, facilitator, meetup):
    url = reverse("meetups:circle", args=[circle.pk])
    body = spanish_client(client, facilitator).get(url).content.decode()
    assert f"Encuentros de {circle.name}" in body and "Programar un encuentro" in body
    assert "Meetups of" not in body and "Schedule a meetup" not in body
    response = client.post(url, {"title": "Nuevo", "mode": "in_person"})
    assert response.status_code == 400
    errors = response.content.decode()
    assert "Di el nombre del lugar público donde se verán." in errors
    assert "Name the public place where you&#x27;ll meet." not in errors


def test_meetup_page_in_spanish(client, members, meetup):
    body = (
        spanish_client(client, members[0])
        .get(reverse("meetups:detail", args=[meetup.pk]))
        .content.decode()
    )
    assert "Cuándo y dónde" in body and "Sí, voy" in body and "Quizá" in body
    assert "When and where" not in body and "Yes, I&#x27;ll come" not in body
