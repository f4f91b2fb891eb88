"""The video room page and the words video.js shows, in Spanish."""

import json
import re

import pytest
from django.test import Client

from tests.spanish import spanish_client
from tests.video.test_room_page import UNREACHABLE, room_url


@pytest.fixture
def rooms_on(settings):
    for name, value in UNREACHABLE.items():
        setattr(settings, name, value)


def test_room_page_and_script_words_in_spanish(rooms_on, video_circle):
    circle, people, meetup = video_circle
    client = spanish_client(Client(), people["ann"])
    body = client.get(room_url(meetup)).content.decode()
    assert "Entrar a la sala" in body and "nunca se graba" in body
    assert "Join the room" not in body and "never recorded" not in body
    data = re.search(r'<script id="video-page" type="application/json">(.*?)</script>', body)
    words = json.loads(data.group(1))["text"]
    assert words["micOn"] == "Tu micrófono está encendido."
    assert words["refused"].startswith("La sala no te dejó entrar ({reason})")
