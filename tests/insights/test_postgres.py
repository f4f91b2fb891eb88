"""The same known answers on PostgreSQL, where the median is percentile_cont, the
seconds come from EXTRACT(EPOCH …) and weeks are cut by DATE_TRUNC … AT TIME ZONE."""

import pytest

from tests.insights import test_figures, test_week_boundaries
from tests.insights.test_week_boundaries import meetups  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_waiting_median_on_postgres():
    test_figures.test_waiting_now_by_rounds_waited_and_filters()


def test_first_meetup_median_days_on_postgres():
    test_figures.test_days_from_sign_up_to_first_meetup()


def test_retention_on_postgres():
    test_figures.test_circles_still_meeting_after_4_8_12_weeks()


def test_felt_heard_on_postgres():
    test_figures.test_felt_heard_hides_small_cells()


def test_response_times_on_postgres():
    test_figures.test_reports_and_crisis_alerts()


def test_blocks_and_leaves_on_postgres():
    test_figures.test_blocks_and_leaves_per_100_members()


def test_week_boundaries_on_postgres(meetups):  # noqa: F811
    test_week_boundaries.test_london_weeks(meetups)
    test_week_boundaries.test_new_york_weeks(meetups)
    test_week_boundaries.test_utc_weeks(meetups)
