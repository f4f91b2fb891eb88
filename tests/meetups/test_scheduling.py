"""Scheduling: the form's rules, time zones across DST, suggestions, series changes."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import week_start_utc
from connect.meetups import selectors, services
from connect.meetups.models import Frequency, MeetupSeries, Occurrence
from connect.notifications.models import Notification
from tests.factories import EVENINGS, CircleFactory, MembershipFactory, OnboardedUserFactory

from .conftest import future_tuesday

UTC = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def form_data(**overrides):
    start = future_tuesday()
    data = {
        "title": "Tuesday circle",
        "mode": "in_person",
        "venue_name": "Central Library café",
        "venue_address": "1 Library Way, London",
        "video_url": "",
        "start_date": start.isoformat(),
        "start_time": "18:00",
        "timezone": "Europe/London",
        "duration_minutes": "90",
        "frequency": "once",
        "until": "",
        "count": "",
        "capacity": "",
        "agenda": "",
    }
    data.update(overrides)
    return data


def test_facilitator_schedules_a_meetup_and_members_are_told(client, circle, facilitator, members):
    client.force_login(facilitator)
    response = client.post(reverse("meetups:circle", args=[circle.pk]), form_data())
    occurrence = Occurrence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetups:detail", args=[occurrence.pk])
    local = occurrence.starts_at.astimezone(LONDON)
    assert (local.date(), local.time()) == (future_tuesday(), time(18, 0))
    assert Notification.objects.filter(kind="meetup").count() == len(members)
    assert not Notification.objects.filter(user=facilitator).exists()


def test_double_booking_a_circle_is_warned_of_first(client, circle, facilitator, members):
    client.force_login(facilitator)
    url = reverse("meetups:circle", args=[circle.pk])
    assert client.post(url, form_data()).status_code == 302
    # A weekly series whose second meeting overlaps the first one by an hour.
    clash = form_data(
        title="Walk",
        start_date=(future_tuesday() - timedelta(days=7)).isoformat(),
        start_time="17:00",
        frequency="weekly",
        count="3",
    )
    response = client.post(url, clash)
    assert response.status_code == 400
    assert Occurrence.objects.count() == 1
    body = response.content.decode()
    assert "This circle already has a meetup then: Tuesday circle, Tuesday" in body
    assert "at 18:00" in body
    assert 'type="checkbox" name="double_booking_ok"' in body
    # Confirmed: it is scheduled.
    assert client.post(url, {**clash, "double_booking_ok": "on"}).status_code == 302
    assert Occurrence.objects.count() == 4


def test_a_meetup_right_after_another_is_no_double_booking(client, circle, facilitator, members):
    client.force_login(facilitator)
    url = reverse("meetups:circle", args=[circle.pk])
    assert client.post(url, form_data()).status_code == 302
    assert client.post(url, form_data(start_time="19:30")).status_code == 302
    assert Occurrence.objects.count() == 2


def test_form_says_first_meetings_belong_in_public_places(client, circle, facilitator):
    client.force_login(facilitator)
    body = client.get(reverse("meetups:circle", args=[circle.pk])).content.decode()
    assert "First meetings should be in a public place" in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"start_date": (date.today() - timedelta(days=1)).isoformat()},
            "start_date",
            "already passed",
        ),
        (
            {"frequency": "weekly", "until": (future_tuesday() - timedelta(days=7)).isoformat()},
            "until",
            "can't end before it starts",
        ),
        (
            {"mode": "virtual", "venue_name": "", "video_url": "http://meet.example.org/x"},
            "video_url",
            "https://",
        ),
        ({"venue_name": ""}, "venue_name", "public place"),
        ({"venue_address": ""}, "venue_address", "address"),
        ({"capacity": "0"}, "capacity", "at least 2"),
        ({"capacity": "7"}, "capacity", "more places than the circle has seats (6)"),
        ({"frequency": "weekly"}, "until", "needs an end"),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(
    client, circle, facilitator, overrides, field, message
):
    client.force_login(facilitator)
    response = client.post(reverse("meetups:circle", args=[circle.pk]), form_data(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert MeetupSeries.objects.count() == 0
    assert Occurrence.objects.count() == 0


def test_members_cannot_schedule_unless_the_circle_allows_it(client, circle, facilitator, members):
    client.force_login(members[0])
    url = reverse("meetups:circle", args=[circle.pk])
    assert "Schedule a meetup" not in client.get(url).content.decode()
    assert client.post(url, form_data()).status_code == 404
    circle.members_can_schedule = True
    circle.save()
    assert client.post(url, form_data()).status_code == 302
    assert Occurrence.objects.count() == 1


def test_weekly_series_keeps_local_time_across_dst_and_other_zones_shift(make_meetup, members):
    # UK clocks go forward on 28 March 2027, US clocks on 14 March 2027.
    series, occurrences = make_meetup(
        start_date=date(2027, 3, 9), frequency=Frequency.WEEKLY, until=date(2027, 4, 6)
    )
    assert [o.starts_at.astimezone(LONDON).time() for o in occurrences] == [time(18, 0)] * 5
    assert [o.starts_at.astimezone(UTC).hour for o in occurrences] == [18, 18, 18, 17, 17]
    # New York sees 13:00 before its change, 14:00 between the two changes, 13:00 after.
    assert [o.starts_at.astimezone(NEW_YORK).hour for o in occurrences] == [13, 14, 14, 13, 13]
    assert [o.starts_at.astimezone(LONDON).date() for o in occurrences] == [
        date(2027, 3, 9),
        date(2027, 3, 16),
        date(2027, 3, 23),
        date(2027, 3, 30),
        date(2027, 4, 6),
    ]


def test_each_member_sees_the_time_in_their_own_zone(client, make_meetup, members):
    _, occurrences = make_meetup(start_date=date(2027, 3, 9), frequency=Frequency.WEEKLY, count=5)
    between_changes = occurrences[1]  # 16 March: London still GMT, New York on EDT
    nia, ann = members[2], members[0]
    client.force_login(nia)
    body = client.get(reverse("meetups:detail", args=[between_changes.pk])).content.decode()
    assert "Tuesday 16 March 2027, 14:00–15:30 EDT" in body
    client.force_login(ann)
    body = client.get(reverse("meetups:detail", args=[between_changes.pk])).content.decode()
    assert "Tuesday 16 March 2027, 18:00–19:30 GMT" in body


def test_monthly_series_is_on_the_same_nth_weekday(make_meetup, members):
    # 9 March 2027 is the 2nd Tuesday of March.
    _, occurrences = make_meetup(start_date=date(2027, 3, 9), frequency=Frequency.MONTHLY, count=3)
    days = [o.starts_at.astimezone(LONDON).date() for o in occurrences]
    assert days == [date(2027, 3, 9), date(2027, 4, 13), date(2027, 5, 11)]
    assert all(o.starts_at.astimezone(LONDON).hour == 18 for o in occurrences)


def test_every_two_weeks_with_a_count(make_meetup, members):
    _, occurrences = make_meetup(start_date=date(2027, 1, 5), frequency=Frequency.BIWEEKLY, count=3)
    days = [o.starts_at.astimezone(LONDON).date() for o in occurrences]
    assert days == [date(2027, 1, 5), date(2027, 1, 19), date(2027, 2, 2)]


def test_cancelling_one_occurrence_leaves_the_others(client, make_meetup, facilitator, members):
    _, occurrences = make_meetup(start_date=future_tuesday(), frequency="weekly", count=3)
    client.force_login(facilitator)
    response = client.post(reverse("meetups:cancel", args=[occurrences[1].pk]))
    assert response.status_code == 302
    statuses = [o.status for o in Occurrence.objects.order_by("starts_at")]
    assert statuses == ["scheduled", "cancelled", "scheduled"]
    body = client.get(reverse("meetups:detail", args=[occurrences[1].pk])).content.decode()
    assert "This meetup is cancelled" in body


def test_only_facilitator_or_scheduler_may_cancel(client, meetup, members):
    client.force_login(members[0])
    assert client.post(reverse("meetups:cancel", args=[meetup.pk])).status_code == 404
    meetup.refresh_from_db()
    assert meetup.status == "scheduled"


def test_cancelling_needs_post(client, meetup, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("meetups:cancel", args=[meetup.pk])).status_code == 405


def test_moving_one_occurrence_leaves_the_others(client, make_meetup, facilitator, members):
    _, occurrences = make_meetup(start_date=future_tuesday(), frequency="weekly", count=3)
    target = occurrences[0]
    new_day = target.starts_at.astimezone(LONDON).date() + timedelta(days=1)
    client.force_login(facilitator)
    response = client.post(
        reverse("meetups:move", args=[target.pk]),
        {"new_date": new_day.isoformat(), "new_time": "19:30"},
    )
    assert response.status_code == 302
    rows = list(Occurrence.objects.order_by("original_start"))
    moved = rows[0].starts_at.astimezone(LONDON)
    assert rows[0].status == "moved"
    assert (moved.date(), moved.time()) == (new_day, time(19, 30))
    assert rows[0].original_start == target.original_start
    assert [r.starts_at for r in rows[1:]] == [o.starts_at for o in occurrences[1:]]


def test_moving_into_the_past_is_refused(client, meetup, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("meetups:move", args=[meetup.pk]),
        {"new_date": (date.today() - timedelta(days=2)).isoformat(), "new_time": "10:00"},
    )
    assert response.status_code == 400
    assert "already passed" in response.content.decode()
    meetup.refresh_from_db()
    assert meetup.status == "scheduled"


def test_editing_a_series_changes_future_occurrences_only(make_meetup, facilitator, members):
    series, occurrences = make_meetup(start_date=future_tuesday(), frequency="weekly", count=4)
    past, moved = occurrences[0], occurrences[1]
    # Pretend the first already happened, and the second was moved by hand.
    past_start = timezone.now() - timedelta(days=7)
    Occurrence.objects.filter(pk=past.pk).update(
        starts_at=past_start, ends_at=past_start + timedelta(minutes=90)
    )
    services.move_occurrence(
        moved, facilitator, moved.starts_at.astimezone(LONDON).date(), time(20, 0)
    )
    fields = {name: getattr(series, name) for name in services.SERIES_FIELDS}
    fields["start_time"] = time(19, 0)
    services.edit_series(series, facilitator, **fields)

    past.refresh_from_db()
    moved.refresh_from_db()
    assert past.starts_at == past_start  # the past is untouched
    assert moved.status == "moved"
    assert moved.starts_at.astimezone(LONDON).time() == time(20, 0)
    future = Occurrence.objects.filter(status="scheduled", starts_at__gt=timezone.now())
    # Four in the rule, minus the day that happened and the day moved by hand.
    assert future.count() == 2
    assert {o.starts_at.astimezone(LONDON).time() for o in future} == {time(19, 0)}


def test_suggestions_come_from_real_overlapping_availability(circle, facilitator):
    """Fay (London) is free Tue 18:00–21:00; Ann (London) Tue 19:00–22:00;
    Nia (New York) Tue 14:00–15:30 local = 19:00–20:30 London in winter.
    All three overlap only on Tuesday 19:00–20:30 London."""
    tue = 1 * 48
    facilitator.profile.availability = list(range(tue + 36, tue + 42))
    facilitator.profile.save()
    MembershipFactory(
        circle=circle,
        user=OnboardedUserFactory(
            onboarded__availability=list(range(tue + 38, tue + 44)),
        ),
    )
    MembershipFactory(
        circle=circle,
        user=OnboardedUserFactory(
            onboarded__timezone="America/New_York",
            onboarded__availability=list(range(tue + 28, tue + 31)),
        ),
    )
    week_of = date(2027, 1, 11)  # a winter week: London = UTC, New York = UTC-5
    suggestions = selectors.suggest_times(
        circle.pk,
        "Europe/London",
        week_of,
        duration_minutes=60,
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )
    best = suggestions[0]
    assert best.free_count == 3 and best.member_count == 3
    assert best.local == datetime(2027, 1, 12, 19, 0, tzinfo=LONDON)
    assert best.starts_at == week_start_utc(week_of) + timedelta(days=1, hours=19)
    # A start that only two people can make ranks below, and shows the smaller count.
    assert all(s.free_count <= 3 for s in suggestions)
    assert [s.free_count for s in suggestions] == sorted(
        (s.free_count for s in suggestions), reverse=True
    )
    assert suggestions[1].free_count == 2
    # Shown in the scheduler's own zone.
    in_ny = selectors.suggest_times(
        circle.pk,
        "America/New_York",
        week_of,
        duration_minutes=60,
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert in_ny[0].local.hour == 14 and in_ny[0].free_count == 3


def test_suggestions_on_the_page_prefill_the_form(client, circle, facilitator, members):
    client.force_login(facilitator)
    week_of = future_tuesday(3)
    url = reverse("meetups:circle", args=[circle.pk])
    response = client.get(url, {"week": week_of.isoformat()})
    suggestions = response.context["suggestions"]
    assert suggestions, "evening availability of every member overlaps"
    top = suggestions[0]
    # Weekday evenings in London overlap for the three Londoners; Nia's evenings
    # in New York are five hours later, so the best is three of four.
    assert top.free_count == 3
    assert top.local.hour in (18, 19, 20)
    body = response.content.decode()
    assert "3 of 4 members free" in body
    prefilled = client.get(
        url,
        {"start_date": top.local.date().isoformat(), "start_time": top.local.strftime("%H:%M")},
    )
    assert prefilled.context["form"].initial["start_date"] == top.local.date().isoformat()


def test_edit_page_starts_from_the_next_meetup_and_is_for_managers_only(
    client, make_meetup, facilitator, members
):
    series, occurrences = make_meetup(start_date=future_tuesday(), frequency="weekly", count=4)
    past_start = timezone.now() - timedelta(days=7)
    Occurrence.objects.filter(pk=occurrences[0].pk).update(
        starts_at=past_start, ends_at=past_start + timedelta(minutes=90)
    )
    url = reverse("meetups:edit_series", args=[series.pk])
    client.force_login(members[0])
    assert client.get(url).status_code == 404
    client.force_login(facilitator)
    response = client.get(url)
    form = response.context["form"]
    next_day = occurrences[1].starts_at.astimezone(LONDON).date()
    assert form.initial["start_date"] == next_day
    assert form.initial["count"] == 3
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(start_date=next_day.isoformat(), start_time="19:15")
    response = client.post(url, data)
    assert response.status_code == 302
    future = Occurrence.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    assert [o.starts_at.astimezone(LONDON).time() for o in future] == [time(19, 15)] * 3
    assert Occurrence.objects.get(pk=occurrences[0].pk).starts_at == past_start


TUESDAY_EVENING = [1 * 48 + cell for cell in range(36, 42)]  # Tue 18:00–21:00 local


def circle_free(availability, people=3, tz="Europe/London"):
    """A circle (regular time Tuesday 18:00 UTC) whose members share ``availability``."""
    circle = CircleFactory(start_slot=1 * 48 + 36)
    for _ in range(people):
        MembershipFactory(
            circle=circle,
            user=OnboardedUserFactory(onboarded__availability=availability, onboarded__timezone=tz),
        )
    return circle


def local_times(suggestions):
    return [s.local.replace(tzinfo=None) for s in suggestions]


def test_suggestions_run_seven_days_from_now_not_the_calendar_week(db):
    """On a Wednesday, a circle that meets on Tuesdays gets next Tuesday's times."""
    circle = circle_free(TUESDAY_EVENING)
    now = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)  # Wednesday noon
    suggestions = selectors.suggest_times(circle.pk, "Europe/London", now=now)
    assert local_times(suggestions) == [
        datetime(2027, 1, 19, 18, 0),
        datetime(2027, 1, 19, 19, 30),
    ]
    assert all(s.free_count == s.member_count == 3 for s in suggestions)
    assert [s.regular for s in suggestions] == [True, False]


def test_suggestions_always_include_the_regular_time_when_members_are_free(db):
    """Free every weekday evening: the five best start this Wednesday, but the
    circle's regular Tuesday time is offered too."""
    circle = circle_free(EVENINGS)
    now = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)  # Wednesday noon
    suggestions = selectors.suggest_times(circle.pk, "Europe/London", now=now)
    assert len(suggestions) == 5
    assert datetime(2027, 1, 19, 18, 0) in local_times(suggestions)
    assert [s.regular for s in suggestions].count(True) == 1
    assert local_times(suggestions)[0] == datetime(2027, 1, 13, 18, 0)  # later today first
    assert all(s.starts_at > now for s in suggestions)


def test_suggestions_leave_out_the_regular_time_when_few_are_free(db):
    circle = circle_free(TUESDAY_EVENING, people=1)
    for _ in range(2):
        MembershipFactory(
            circle=circle, user=OnboardedUserFactory(onboarded__availability=EVENINGS[:6])
        )  # Monday evenings only
    now = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)
    suggestions = selectors.suggest_times(circle.pk, "Europe/London", now=now, limit=2)
    # Only one of three is free at the regular time: it is not pushed in.
    assert local_times(suggestions) == [datetime(2027, 1, 18, 18, 0), datetime(2027, 1, 18, 19, 30)]
    assert not any(s.regular for s in suggestions)


def test_suggestions_across_the_october_clock_change(db):
    """London goes back to GMT on Sunday 31 October 2027. From Thursday 28th,
    next Tuesday's 18:00 London is 18:00 UTC: the regular time."""
    circle = circle_free(TUESDAY_EVENING)
    now = datetime(2027, 10, 28, 12, 0, tzinfo=UTC)
    suggestions = selectors.suggest_times(circle.pk, "Europe/London", now=now)
    assert local_times(suggestions) == [datetime(2027, 11, 2, 18, 0), datetime(2027, 11, 2, 19, 30)]
    assert [s.starts_at.astimezone(UTC).hour for s in suggestions] == [18, 19]
    assert suggestions[0].regular


def test_suggestions_across_the_march_clock_change(db):
    """London goes to BST on Sunday 28 March 2027: the regular 18:00 UTC is
    19:00 in London on Tuesday 30th, offered beside the best two times."""
    circle = circle_free(TUESDAY_EVENING)
    now = datetime(2027, 3, 25, 12, 0, tzinfo=UTC)
    suggestions = selectors.suggest_times(circle.pk, "Europe/London", now=now)
    assert local_times(suggestions) == [
        datetime(2027, 3, 30, 18, 0),
        datetime(2027, 3, 30, 19, 0),
        datetime(2027, 3, 30, 19, 30),
    ]
    assert [s.regular for s in suggestions] == [False, True, False]
    assert suggestions[1].starts_at == datetime(2027, 3, 30, 18, 0, tzinfo=UTC)


def test_suggestions_for_a_chosen_later_week_start_that_day(db):
    circle = circle_free(TUESDAY_EVENING)
    now = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)
    later = selectors.suggest_times(circle.pk, "Europe/London", date(2027, 1, 27), now=now)
    assert local_times(later)[0] == datetime(2027, 2, 2, 18, 0)


@pytest.mark.parametrize(
    "value",
    [
        "Europe/London",
        "America/Argentina/Buenos_Aires",
        "",
        None,
        "Not/AZone",
        '"><script>x</script>',
    ],
)
def test_the_zone_list_is_drawn_as_djangos_select_draws_it(value):
    """The time zone field draws its ~600 options without a template each; what
    reaches the page is Django's own ``Select`` output, escaping included."""
    from django import forms
    from django.test.html import parse_html

    from connect.meetups.forms import TIMEZONES, ZoneSelect

    attrs = {"id": "id_timezone", "aria-describedby": "id_timezone_helptext", "required": True}
    expected = forms.Select(choices=[(n, n) for n in TIMEZONES]).render("timezone", value, attrs)
    drawn = ZoneSelect().render("timezone", value, attrs)
    assert parse_html(drawn) == parse_html(expected)
    assert drawn.count(" selected") == (1 if value in TIMEZONES else 0)


def test_the_schedule_form_marks_the_submitted_zone_and_its_field_errors(db):
    from connect.meetups.forms import ScheduleForm

    circle = CircleFactory()
    form = ScheduleForm({**form_data(), "timezone": "Mars/Olympus"}, circle=circle)
    assert not form.is_valid()
    assert "timezone" in form.errors
    html = str(form["timezone"])
    assert 'aria-invalid="true"' in html
    assert " selected" not in html
    form = ScheduleForm(initial={"timezone": "Asia/Tokyo"}, circle=circle)
    assert '<option value="Asia/Tokyo" selected>' in str(form["timezone"])
