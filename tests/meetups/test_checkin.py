"""Check-in after a meetup, and the private "Did you feel heard today?" summary."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connect.meetups import services
from connect.meetups.models import CheckIn, Feedback, Occurrence


@pytest.fixture
def happened(meetup):
    start = timezone.now() - timedelta(hours=3)
    Occurrence.objects.filter(pk=meetup.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    meetup.refresh_from_db()
    return meetup


def test_members_check_in_with_an_optional_private_answer(client, happened, members):
    client.force_login(members[0])
    url = reverse("meetups:check_in", args=[happened.pk])
    response = client.post(url, {"heard": "somewhat", "note": "Hard to get a word in"})
    assert response.status_code == 302
    assert CheckIn.objects.filter(occurrence=happened, user=members[0]).exists()
    assert Feedback.objects.get().heard == "somewhat"
    client.force_login(members[1])
    client.post(url, {"heard": ""})  # answering is optional
    assert CheckIn.objects.count() == 2
    assert Feedback.objects.count() == 1


def test_check_in_needs_post_and_an_open_window(client, meetup, members):
    client.force_login(members[0])
    url = reverse("meetups:check_in", args=[meetup.pk])
    assert client.get(url).status_code == 405
    client.post(url, {})  # the meetup has not started yet
    assert not CheckIn.objects.exists()
    with pytest.raises(services.MeetupError):
        services.check_in(meetup, members[0])


def test_only_the_facilitator_sees_the_summary_without_names(
    client, happened, facilitator, members
):
    services.check_in(happened, members[0], "yes", "Felt really listened to")
    services.check_in(happened, members[1], "no", "Someone kept interrupting")
    services.check_in(happened, members[2])
    client.force_login(facilitator)
    response = client.get(reverse("meetups:detail", args=[happened.pk]))
    summary = response.context["summary"]
    assert summary["checked_in"] == 3
    assert summary["answers"] == 2
    assert dict(summary["counts"]) == {"Yes": 1, "Somewhat": 0, "No": 1}
    assert summary["notes"] == ["Felt really listened to", "Someone kept interrupting"]
    body = response.content.decode()
    section = body[body.index("how people felt") :]
    for member in members:
        assert member.display_name not in section
    assert "never used to rank anyone" in body

    client.force_login(members[0])
    response = client.get(reverse("meetups:detail", args=[happened.pk]))
    assert response.context["summary"] is None
    assert "Someone kept interrupting" not in response.content.decode()


def test_the_facilitator_sees_how_people_felt_only_after_the_meetup(client, meetup, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("meetups:detail", args=[meetup.pk]))
    assert response.context["summary"] is None
    assert "how people felt" not in response.content.decode()
