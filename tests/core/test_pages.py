import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["landing", "crisis", "guidelines", "healthz"])
def test_public_pages_answer(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_every_page_links_to_crisis_help(client):
    body = client.get(reverse("landing")).content.decode()
    assert 'href="/help/"' in body
    assert "Need help now" in body
    assert "not therapy" in body


@pytest.mark.django_db
def test_crisis_page_lists_real_lines(client):
    body = client.get(reverse("crisis")).content.decode()
    assert "988" in body
    assert "116 123" in body
    assert "findahelpline.com" in body
    assert "not an emergency service" in body


@pytest.mark.django_db
def test_crisis_page_picks_country(client):
    body = client.get(reverse("crisis"), {"country": "GB"}).content.decode()
    assert "Shout" in body


@pytest.mark.django_db
def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_dashboard_shows_circles(client, membership):
    client.force_login(membership.user)
    body = client.get(reverse("dashboard")).content.decode()
    assert membership.circle.name in body


def test_suspended_person_is_logged_out_but_still_reaches_crisis_help(client, member_user):
    from django.utils import timezone

    from connect.safety.models import Suspension

    client.force_login(member_user)
    Suspension.objects.create(user=member_user, starts_at=timezone.now(), reason="test")
    response = client.get(reverse("crisis"))
    assert response.status_code == 200
    assert "988" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
