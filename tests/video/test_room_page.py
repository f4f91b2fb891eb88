"""The room page, links and rules that need no Janus: who may open it, when,
what it says when the site has no video rooms or Janus can't be reached."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from connect.meetups import tasks
from connect.meetups.models import Occurrence
from connect.notifications.models import Notification
from connect.video.models import VideoPass
from tests.factories import OnboardedUserFactory
from tests.video.conftest import live_meetup

# A Janus nobody answers on (port 9, discard): video rooms are "on" but unreachable.
UNREACHABLE = {
    "JANUS_URL": "http://127.0.0.1:9/janus",
    "JANUS_ADMIN_URL": "http://127.0.0.1:9/admin",
    "JANUS_ADMIN_SECRET": "not-used",
}


@pytest.fixture
def rooms_on(settings):
    for name, value in UNREACHABLE.items():
        setattr(settings, name, value)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def room_url(occurrence) -> str:
    return f"/video/meetup/{occurrence.pk}/"


def pass_url(occurrence) -> str:
    return f"/video/meetup/{occurrence.pk}/pass/"


def test_outsiders_get_404_and_anonymous_log_in(rooms_on, video_circle):
    circle, people, meetup = video_circle
    outsider = as_user(OnboardedUserFactory())
    assert outsider.get(room_url(meetup)).status_code == 404
    assert outsider.post(pass_url(meetup)).status_code == 404
    for url in (room_url(meetup), pass_url(meetup)):
        response = Client().post(url) if url.endswith("pass/") else Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not VideoPass.objects.exists()


def test_before_the_window_the_page_says_when_it_opens(rooms_on, video_circle):
    circle, people, meetup = video_circle
    later = live_meetup(circle, starts_in=timedelta(hours=2))
    client = as_user(people["ann"])
    response = client.get(room_url(later))
    assert response.status_code == 200
    assert "The room opens 10 minutes before the meetup" in response.content.decode()
    assert b"video-page" not in response.content
    refused = client.post(pass_url(later))
    assert refused.status_code == 409 and "opens 10 minutes before" in refused.json()["error"]
    assert not VideoPass.objects.exists()


def test_after_the_window_the_room_is_closed(rooms_on, video_circle):
    circle, people, meetup = video_circle
    past = live_meetup(circle, starts_in=timedelta(hours=-3), minutes=60)
    response = as_user(people["ann"]).get(room_url(past))
    assert "room has closed" in response.content.decode()
    # 29 minutes after the end it is still open (Janus is asked, and is unreachable here).
    ending = live_meetup(circle, starts_in=timedelta(minutes=-89), minutes=60)
    response = as_user(people["ann"]).post(pass_url(ending))
    assert "can't be reached right now" in response.json()["error"]


def test_unreachable_janus_gives_a_calm_message_and_no_pass(rooms_on, video_circle):
    circle, people, meetup = video_circle
    response = as_user(people["ann"]).post(pass_url(meetup))
    assert response.status_code == 409
    assert "can't be reached right now" in response.json()["error"]
    assert not VideoPass.objects.exists()


def test_without_janus_virtual_meetups_keep_the_pasted_link(settings, video_circle):
    settings.JANUS_URL = ""
    circle, people, meetup = video_circle
    meetup.series.video_url = "https://video.example/circle"
    meetup.series.save()
    page = as_user(people["ann"]).get(f"/meetups/{meetup.pk}/").content.decode()
    assert "https://video.example/circle" in page
    assert "Join the video" not in page
    assert "has no video rooms of its own" in page
    room = as_user(people["ann"]).get(room_url(meetup)).content.decode()
    assert "This meetup has no video room." in room
    assert as_user(people["ann"]).post(pass_url(meetup)).status_code == 409


def test_meetup_and_circle_pages_link_to_the_room(rooms_on, video_circle):
    circle, people, meetup = video_circle
    client = as_user(people["ann"])
    for page in (f"/meetups/{meetup.pk}/", f"/circles/{circle.pk}/"):
        assert room_url(meetup) in client.get(page).content.decode(), page
    Occurrence.objects.filter(pk=meetup.pk).update(status=Occurrence.Status.CANCELLED)
    assert room_url(meetup) not in client.get(f"/meetups/{meetup.pk}/").content.decode()


def test_the_reminder_carries_the_room_link(rooms_on, video_circle):
    circle, people, meetup = video_circle
    Occurrence.objects.filter(pk=meetup.pk).update(
        starts_at=timezone.now() + timedelta(minutes=30),
        ends_at=timezone.now() + timedelta(minutes=90),
    )
    tasks.send_due_reminders()
    note = Notification.objects.get(user=people["ann"], kind="reminder")
    assert f"/video/meetup/{meetup.pk}/" in note.body
    assert "never recorded" in note.body


def test_with_video_rooms_a_virtual_meetup_needs_no_pasted_link(settings, client, video_circle):
    circle, people, meetup = video_circle
    client.force_login(people["fay"])
    form = {
        "title": "Online circle",
        "mode": "virtual",
        "video_url": "",
        "start_date": (timezone.now() + timedelta(days=3)).date().isoformat(),
        "start_time": "18:00",
        "timezone": "Europe/London",
        "duration_minutes": 90,
        "frequency": "once",
    }
    settings.JANUS_URL = ""
    response = client.post(f"/meetups/circle/{circle.pk}/", form)
    assert "Add the https:// video link" in response.content.decode()
    for name, value in UNREACHABLE.items():
        setattr(settings, name, value)
    response = client.post(f"/meetups/circle/{circle.pk}/", form)
    assert response.status_code == 302
    assert circle.meetup_series.filter(title="Online circle", video_url="").exists()
