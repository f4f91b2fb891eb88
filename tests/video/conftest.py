"""A real Janus for the video tests (Debian's package, started once per run),
and a virtual meetup whose room is open now.

Tests marked ``janus`` fail, never skip, when Janus is not installed:
``scripts/test.sh`` installs it (as it installs chromium) and runs them.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from connect.circles.models import Membership
from connect.meetups.models import Frequency, MeetupSeries, Mode, Occurrence
from connect.video import janusd
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory


@pytest.fixture(scope="session")
def janus_server():
    if not janusd.installed():
        pytest.fail("The video tests need Debian's janus: apt-get install janus (scripts/test.sh).")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = Path(django_settings.VAR_DIR) / "janus" / f"test-{worker}-{os.getpid()}"
    server = janusd.start(folder)
    yield server
    server.stop()


@pytest.fixture
def janus(janus_server, settings):
    """Video rooms on, pointing at the real Janus; the server object for the test."""
    for name, value in janus_server.env().items():
        setattr(settings, name, value)
    return janus_server


def live_meetup(circle, *, starts_in=timedelta(minutes=5), minutes=60, title="Video circle"):
    """A one-off virtual meetup of ``circle`` starting ``starts_in`` from now."""
    starts_at = timezone.now() + starts_in
    series = MeetupSeries.objects.create(
        circle=circle,
        title=title,
        mode=Mode.VIRTUAL,
        timezone="Europe/London",
        start_date=starts_at.date(),
        start_time=starts_at.time().replace(microsecond=0),
        duration_minutes=minutes,
        frequency=Frequency.ONCE,
    )
    return Occurrence.objects.create(
        series=series,
        circle=circle,
        original_start=starts_at,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
    )


@pytest.fixture
def video_circle(db):
    """A virtual circle: facilitator Fay, members Ann and Ben, and an open meetup room."""
    circle = CircleFactory(capacity=6)
    people = {}
    for name, role in [
        ("Fay", Membership.Role.FACILITATOR),
        ("Ann", Membership.Role.MEMBER),
        ("Ben", Membership.Role.MEMBER),
    ]:
        people[name.lower()] = MembershipFactory(
            circle=circle, role=role, user=OnboardedUserFactory(onboarded__display_name=name)
        ).user
    return circle, people, live_meetup(circle)
