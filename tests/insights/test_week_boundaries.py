"""Weeks begin on Monday 00:00 in the viewer's zone, across the autumn clock changes
(UK: Sunday 25 October 2026; US: Sunday 1 November 2026)."""

from datetime import UTC, datetime

import pytest

from connect.insights import selectors
from connect.insights.selectors import Filters
from tests.insights.helpers import NOW, attend, circle_with, meetup

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def meetups():
    circle, people = circle_with(4)
    for starts in [
        utc(2026, 10, 18, 23, 30),  # Mon 19 Oct 00:30 in London (BST): London's week of 19 Oct
        utc(2026, 10, 25, 23, 30),  # Sun 25 Oct 23:30 in London (GMT now): still week of 19 Oct
        utc(2026, 10, 26, 0, 30),  # Mon 26 Oct 00:30 in London: week of 26 Oct
        utc(2026, 11, 2, 4, 30),  # Sun 1 Nov 23:30 in New York (EST now): NY's week of 26 Oct
    ]:
        attend(meetup(circle, starts), people[:1], said_yes=people[:1])


def checked_in(zone):
    fig = selectors.attendance_figure(Filters(weeks=4, zone=zone, now=NOW))
    return {row[0]: row[2] for row in fig.rows}


def test_london_weeks(meetups):
    assert checked_in("Europe/London") == {"12 Oct": 0, "19 Oct": 2, "26 Oct": 1, "2 Nov": 1}


def test_utc_weeks(meetups):
    assert checked_in("UTC") == {"12 Oct": 1, "19 Oct": 1, "26 Oct": 1, "2 Nov": 1}


def test_new_york_weeks(meetups):
    # Every one of them is a Sunday evening in New York: 18 Oct (week of 12 Oct), 25 Oct
    # twice (week of 19 Oct, before and after London's change) and 1 Nov (week of 26 Oct).
    assert checked_in("America/New_York") == {"12 Oct": 1, "19 Oct": 2, "26 Oct": 1, "2 Nov": 0}
