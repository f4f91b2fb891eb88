"""What every request asks about the person is read with the person, in one
query (connect.core.auth), and still takes effect at the very next request."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from connect.safety.models import ModerationWarning, Suspension
from tests.factories import OnboardedUserFactory

pytestmark = pytest.mark.django_db


def test_a_plain_page_reads_session_person_and_unread_count_only(client, django_assert_num_queries):
    person = OnboardedUserFactory()
    client.force_login(person)
    client.get(reverse("guidelines"))
    # session, the person (profile, suspension, warning, moderator columns), unread count
    with django_assert_num_queries(3):
        response = client.get(reverse("guidelines"))
    assert response.status_code == 200
    assert "Safety and moderation" not in response.content.decode()


def test_the_moderator_link_follows_the_group_at_the_next_request(client):
    person = OnboardedUserFactory()
    client.force_login(person)
    group, _ = Group.objects.get_or_create(name="Moderators")
    person.groups.add(group)
    assert "Safety and moderation" in client.get(reverse("guidelines")).content.decode()
    person.groups.remove(group)
    assert "Safety and moderation" not in client.get(reverse("guidelines")).content.decode()


def test_a_suspension_and_a_warning_take_effect_at_the_next_request(client):
    person = OnboardedUserFactory()
    client.force_login(person)
    assert client.get(reverse("dashboard")).status_code == 200
    warning = ModerationWarning.objects.create(user=person, action_id=1, text="Please be kind.")
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:warning", args=[warning.pk])
    Suspension.objects.create(
        user=person, starts_at=timezone.now() - timedelta(minutes=1), reason="test"
    )
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("account_login"))
