"""Local weekly availability → UTC cells of a target week, across DST changes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.selectors import (
    SLOTS_PER_WEEK,
    UTC,
    local_cell,
    profile_utc_free_slots,
    utc_free_slots,
    week_start_utc,
)
from tests.factories import OnboardedUserFactory

MON, SUN = 0, 6


def cell(day: int, hour: int, minute: int = 0) -> int:
    return day * 48 + hour * 2 + minute // 30


def utc_moment(week_start: datetime, slot: int) -> datetime:
    return week_start + timedelta(minutes=30 * slot)


def test_week_start_is_monday_midnight_utc():
    assert week_start_utc(date(2026, 3, 8)) == datetime(2026, 3, 2, tzinfo=UTC)
    assert week_start_utc(date(2026, 3, 2)) == datetime(2026, 3, 2, tzinfo=UTC)


class TestNewYorkSpringForward:
    """Clocks go from 02:00 EST to 03:00 EDT on Sunday 8 March 2026 (07:00 UTC)."""

    week = datetime(2026, 3, 2, tzinfo=UTC)
    tz = "America/New_York"

    def test_monday_evening_is_est(self):
        # Monday 18:00 EST = 23:00 UTC.
        assert utc_free_slots([cell(MON, 18)], self.tz, self.week) == {cell(MON, 23)}

    def test_sunday_evening_after_the_change_is_edt(self):
        # Sunday 18:00 EDT = 22:00 UTC (it would be 23:00 a day earlier).
        assert utc_free_slots([cell(SUN, 18)], self.tz, self.week) == {cell(SUN, 22)}

    def test_same_local_time_on_both_sides_of_the_change(self):
        slots = utc_free_slots([cell(day, 18) for day in range(7)], self.tz, self.week)
        hours = sorted(utc_moment(self.week, s).hour for s in slots)
        # Monday evening falls at 23:00 UTC; on Sunday (EDT) at 22:00 UTC.
        assert hours == [22, 23, 23, 23, 23, 23, 23]
        assert all(utc_moment(self.week, s).astimezone(ZoneInfo(self.tz)).hour == 18 for s in slots)

    def test_skipped_hour_has_no_utc_slot(self):
        # 02:00–03:00 local does not exist on 8 March: nobody can meet then.
        assert utc_free_slots([cell(SUN, 2), cell(SUN, 2, 30)], self.tz, self.week) == set()
        assert utc_free_slots([cell(SUN, 1, 30)], self.tz, self.week) == {cell(SUN, 6, 30)}
        assert utc_free_slots([cell(SUN, 3)], self.tz, self.week) == {cell(SUN, 7)}

    def test_every_utc_cell_maps_to_some_local_cell(self):
        assert utc_free_slots(range(SLOTS_PER_WEEK), self.tz, self.week) == set(
            range(SLOTS_PER_WEEK)
        )
        tz = ZoneInfo(self.tz)
        hit = {local_cell(utc_moment(self.week, s), tz) for s in range(SLOTS_PER_WEEK)}
        assert len(hit) == SLOTS_PER_WEEK - 2  # the two skipped half-hours


class TestNewYorkFallBack:
    """Clocks go from 02:00 EDT back to 01:00 EST on Sunday 1 November 2026."""

    week = datetime(2026, 10, 26, tzinfo=UTC)
    tz = "America/New_York"

    def test_monday_evening_is_edt(self):
        assert utc_free_slots([cell(MON, 18)], self.tz, self.week) == {cell(MON, 22)}

    def test_sunday_evening_after_the_change_is_est(self):
        assert utc_free_slots([cell(SUN, 18)], self.tz, self.week) == {cell(SUN, 23)}

    def test_repeated_hour_is_free_both_times(self):
        # 01:00 local happens at 05:00 UTC (EDT) and again at 06:00 UTC (EST).
        assert utc_free_slots([cell(SUN, 1)], self.tz, self.week) == {
            cell(SUN, 5),
            cell(SUN, 6),
        }

    def test_week_after_is_plain_est(self):
        after = datetime(2026, 11, 2, tzinfo=UTC)
        assert utc_free_slots([cell(MON, 18), cell(SUN, 18)], self.tz, after) == {
            cell(MON, 23),
            cell(SUN, 23),
        }


class TestLondon:
    """British Summer Time starts on Sunday 29 March and ends on Sunday 25 October 2026."""

    tz = "Europe/London"

    def test_spring(self):
        week = datetime(2026, 3, 23, tzinfo=UTC)
        # Monday 18:00 GMT = 18:00 UTC; Sunday 18:00 BST = 17:00 UTC.
        assert utc_free_slots([cell(MON, 18), cell(SUN, 18)], self.tz, week) == {
            cell(MON, 18),
            cell(SUN, 17),
        }
        # 01:00–02:00 on 29 March is skipped.
        assert utc_free_slots([cell(SUN, 1), cell(SUN, 1, 30)], self.tz, week) == set()

    def test_autumn(self):
        week = datetime(2026, 10, 19, tzinfo=UTC)
        assert utc_free_slots([cell(MON, 18), cell(SUN, 18)], self.tz, week) == {
            cell(MON, 17),
            cell(SUN, 18),
        }
        # 01:00 local happens at 00:00 UTC (BST) and again at 01:00 UTC (GMT).
        assert utc_free_slots([cell(SUN, 1)], self.tz, week) == {cell(SUN, 0), cell(SUN, 1)}

    def test_winter_is_utc(self):
        week = datetime(2026, 1, 5, tzinfo=UTC)
        cells = [cell(MON, 9), cell(SUN, 23, 30)]
        assert utc_free_slots(cells, self.tz, week) == set(cells)


class TestKolkataHalfHourOffset:
    """Asia/Kolkata is UTC+05:30 all year."""

    tz = "Asia/Kolkata"
    week = datetime(2026, 3, 2, tzinfo=UTC)

    def test_evening_lands_on_the_half_hour(self):
        # Monday 18:00 IST = 12:30 UTC.
        assert utc_free_slots([cell(MON, 18)], self.tz, self.week) == {cell(MON, 12, 30)}

    def test_monday_midnight_wraps_into_the_previous_utc_sunday(self):
        # Monday 00:00 IST = Sunday 18:30 UTC; in this UTC week that is the Monday
        # starting the next local week, the same weekly habit.
        assert utc_free_slots([cell(MON, 0)], self.tz, self.week) == {cell(SUN, 18, 30)}

    def test_mapping_is_one_to_one(self):
        tz = ZoneInfo(self.tz)
        hit = [local_cell(utc_moment(self.week, s), tz) for s in range(SLOTS_PER_WEEK)]
        assert sorted(hit) == list(range(SLOTS_PER_WEEK))


def test_naive_week_start_is_refused():
    with pytest.raises(ValueError, match="UTC"):
        utc_free_slots([0], "UTC", datetime(2026, 3, 2))


@pytest.mark.django_db
def test_profile_selector_reads_the_profile():
    user = OnboardedUserFactory(
        onboarded__timezone="America/New_York", onboarded__availability=[cell(SUN, 18)]
    )
    week = datetime(2026, 3, 2, tzinfo=UTC)
    assert profile_utc_free_slots(user.profile, week) == {cell(SUN, 22)}
