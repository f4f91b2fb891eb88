"""The regular time in each person's zone, on either side of DST changes."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from accounts.selectors import local_cell, utc_free_slots, week_start_utc
from connect.circles.geo import distance_label, rounded_km
from connect.circles.timeslots import slot_in_zone

WED_18_UTC = 2 * 48 + 36


def test_same_utc_slot_in_winter_and_summer():
    winter = slot_in_zone(WED_18_UTC, 2, "Europe/Berlin", today=date(2026, 1, 14))
    summer = slot_in_zone(WED_18_UTC, 2, "Europe/Berlin", today=date(2026, 7, 15))
    assert winter.label == "Wednesdays 19:00–20:00 (Europe/Berlin)"
    assert summer.label == "Wednesdays 20:00–21:00 (Europe/Berlin)"
    assert winter.part_of_day == "evening"


def test_day_changes_across_the_date_line_and_half_hour_zones():
    auckland = slot_in_zone(WED_18_UTC, 2, "Pacific/Auckland", today=date(2026, 1, 14))
    assert auckland.weekday == 3 and auckland.start.hour == 7  # Thursday morning (NZDT)
    kolkata = slot_in_zone(WED_18_UTC, 1, "Asia/Kolkata", today=date(2026, 1, 14))
    assert kolkata.label == "Wednesdays 23:30–00:00 (Asia/Kolkata)"
    assert slot_in_zone(WED_18_UTC, 2, "Not/AZone").tz_name == "UTC"


def reference_free_slots(local_cells, tz_name, week_start):
    """The rule written out cell by cell, with no cache."""
    tz, wanted = ZoneInfo(tz_name), set(local_cells)
    return frozenset(
        slot
        for slot in range(7 * 48)
        if local_cell(week_start + slot * timedelta(minutes=30), tz) in wanted
    )


def test_cached_free_slots_match_the_reference_in_a_dst_week():
    evenings = [day * 48 + cell for day in range(7) for cell in range(36, 42)]
    for tz in ("Europe/London", "America/New_York", "Asia/Kolkata"):
        for day in (date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 2)):
            week = week_start_utc(day)
            assert utc_free_slots(evenings, tz, week) == reference_free_slots(evenings, tz, week)


def test_distances_are_whole_kilometres():
    km = rounded_km(51.5085, -0.1257, 51.7520, -1.2577)  # London → Oxford
    assert km == 83 and distance_label(km) == "about 83 km away"
    assert distance_label(0) == "nearby (under 1 km)" and rounded_km(None, 0, 1, 1) is None
