"""A circle with a facilitator and members in two time zones."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from connect.circles.models import Membership
from connect.meetups import services
from connect.meetups.models import Frequency, Mode
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory


@pytest.fixture
def circle(db):
    return CircleFactory(capacity=6, mode="in_person")


@pytest.fixture
def facilitator(circle):
    return MembershipFactory(
        circle=circle,
        role=Membership.Role.FACILITATOR,
        user=OnboardedUserFactory(onboarded__display_name="Fay"),
    ).user


@pytest.fixture
def members(circle, facilitator):
    """Three more members: two in London, one in New York."""
    return [
        MembershipFactory(
            circle=circle,
            user=OnboardedUserFactory(onboarded__display_name=name, onboarded__timezone=tz),
        ).user
        for name, tz in [
            ("Ann", "Europe/London"),
            ("Ben", "Europe/London"),
            ("Nia", "America/New_York"),
        ]
    ]


@pytest.fixture
def outsider(db):
    return OnboardedUserFactory(onboarded__display_name="Outsider")


def series_fields(**overrides):
    """Valid fields for a one-off in-person meetup a few days ahead (London time)."""
    start = (timezone.now() + timedelta(days=3)).date()
    fields = {
        "title": "Tuesday circle",
        "mode": Mode.IN_PERSON,
        "venue_name": "Central Library café",
        "venue_address": "12 Secret Street, London",
        "video_url": "",
        "capacity": None,
        "agenda": "Check-in round",
        "timezone": "Europe/London",
        "start_date": start,
        "start_time": time(18, 0),
        "duration_minutes": 90,
        "frequency": Frequency.ONCE,
        "until": None,
        "count": None,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_meetup(circle, facilitator):
    def make(**overrides):
        series = services.schedule_series(circle, facilitator, **series_fields(**overrides))
        return series, list(series.occurrences.order_by("starts_at"))

    return make


@pytest.fixture
def meetup(make_meetup, members):
    """A one-off upcoming meetup; returns its single occurrence."""
    return make_meetup()[1][0]


def future_tuesday(weeks_ahead: int = 2) -> date:
    today = timezone.now().date()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7 * weeks_ahead)
