"""Calendar files: the .ics per meetup and the private feed."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from connect.meetups import services
from connect.meetups.models import FeedToken, Frequency

from .conftest import future_tuesday

LONDON = ZoneInfo("Europe/London")


def parse(response) -> Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def expand(cal: Calendar) -> tuple[set, dict]:
    """The instants an .ics describes: (RRULE set minus EXDATEs, moved overrides)."""
    events = list(cal.walk("VEVENT"))
    main = next(e for e in events if "RECURRENCE-ID" not in e)
    start = main.decoded("DTSTART")
    if "RRULE" in main:
        rule = rrulestr(main["RRULE"].to_ical().decode(), dtstart=start)
        instants = set(rule)
    else:
        instants = {start}
    exdates = main.get("EXDATE")
    if exdates is not None:
        for group in exdates if isinstance(exdates, list) else [exdates]:
            instants -= {d.dt for d in group.dts}
    overrides = {
        e.decoded("RECURRENCE-ID"): e.decoded("DTSTART") for e in events if "RECURRENCE-ID" in e
    }
    return instants, overrides


def test_ics_of_a_one_off_parses_back_to_the_same_instant(client, meetup, members):
    client.force_login(members[0])
    response = client.get(reverse("meetups:ics", args=[meetup.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    cal = parse(response)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    event = cal.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == meetup.starts_at
    assert event.decoded("DTEND") == meetup.ends_at
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert "12 Secret Street" in str(event["LOCATION"])


def test_ics_of_a_series_has_rrule_exdate_and_moved_override(
    client, make_meetup, facilitator, members
):
    # Across the UK clock change on 28 March 2027.
    series, occurrences = make_meetup(
        start_date=date(2027, 3, 9), frequency=Frequency.WEEKLY, until=date(2027, 4, 6)
    )
    services.cancel_occurrence(occurrences[1], facilitator)
    services.move_occurrence(occurrences[3], facilitator, date(2027, 4, 1), time(19, 0))
    client.force_login(members[2])
    cal = parse(client.get(reverse("meetups:ics", args=[occurrences[0].pk])))
    main = next(e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e)
    assert main["RRULE"]["FREQ"] == ["WEEKLY"]
    instants, overrides = expand(cal)

    expected = {o.starts_at for o in occurrences} - {occurrences[1].starts_at}
    assert instants == expected  # same instants, the cancelled one excluded
    occurrences[3].refresh_from_db()
    assert overrides == {occurrences[3].original_start: occurrences[3].starts_at}
    # The wall clock in London stays 18:00 on both sides of the change.
    assert {i.astimezone(LONDON).time() for i in instants} == {time(18, 0)}


def test_ics_of_a_monthly_series_round_trips(client, make_meetup, members):
    _, occurrences = make_meetup(start_date=date(2027, 3, 30), frequency="monthly", count=4)
    client.force_login(members[0])
    cal = parse(client.get(reverse("meetups:ics", args=[occurrences[0].pk])))
    instants, _ = expand(cal)
    assert instants == {o.starts_at for o in occurrences}
    # 30 March 2027 is a 5th Tuesday, kept as "the last Tuesday".
    assert [o.starts_at.astimezone(LONDON).day for o in occurrences] == [30, 27, 25, 29]


def test_feed_lists_my_upcoming_meetups_without_login(client, make_meetup, members):
    _, occurrences = make_meetup(start_date=future_tuesday(), frequency="weekly", count=2)
    ann = members[0]
    services.rsvp(occurrences[1], ann, "no")  # left out: Ann can't come
    token = services.issue_feed_token(ann)
    response = client.get(reverse("meetups:feed", args=[token]))  # not logged in
    assert response.status_code == 200
    events = parse(response).walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [occurrences[0].starts_at]
    assert FeedToken.objects.get().token_hash != token  # only a hash is stored
    assert token not in str(FeedToken.objects.values_list("token_hash", flat=True)[0])


def test_feed_only_has_my_own_circles(client, make_meetup, members, outsider):
    make_meetup()
    token = services.issue_feed_token(outsider)
    events = parse(client.get(reverse("meetups:feed", args=[token]))).walk("VEVENT")
    assert events == []


def test_revoked_feed_token_gives_404(client, meetup, members):
    ann = members[0]
    token = services.issue_feed_token(ann)
    url = reverse("meetups:feed", args=[token])
    assert client.get(url).status_code == 200
    services.revoke_feed_token(ann)
    response = client.get(url)
    assert response.status_code == 404
    assert b"Secret Street" not in response.content


def test_reissuing_replaces_the_old_feed_link(client, meetup, members):
    ann = members[0]
    old = services.issue_feed_token(ann)
    new = services.issue_feed_token(ann)
    assert client.get(reverse("meetups:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetups:feed", args=[new])).status_code == 200
    assert client.get(reverse("meetups:feed", args=["made-up"])).status_code == 404


def test_feed_settings_page_issues_and_revokes_by_post(client, meetup, members):
    ann = members[0]
    client.force_login(ann)
    url = reverse("meetups:feed_settings")
    response = client.post(url, {"action": "issue"}, follow=True)
    body = response.content.decode()
    feed_url = response.context["new_url"]
    assert feed_url in body and "/meetups/feed/" in feed_url
    # The secret is shown once only.
    assert feed_url not in client.get(url).content.decode()
    client.logout()
    path = feed_url.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    client.force_login(ann)
    client.post(url, {"action": "revoke"})
    client.logout()
    assert client.get(path).status_code == 404


def test_feed_keeps_cancelled_meetups_marked_cancelled(client, meetup, facilitator, members):
    services.cancel_occurrence(meetup, facilitator)
    token = services.issue_feed_token(members[0])
    event = parse(client.get(reverse("meetups:feed", args=[token]))).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"


def test_ics_instants_for_an_evening_in_new_york(client, make_meetup, members):
    series, (occurrence,) = make_meetup(
        timezone="America/New_York", start_date=date(2027, 3, 16), start_time=time(19, 30)
    )
    client.force_login(members[0])
    event = parse(client.get(reverse("meetups:ics", args=[occurrence.pk]))).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime(2027, 3, 16, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)


def test_no_calendar_link_is_issued_to_someone_who_may_not_take_part(db, members):
    """The service checks who acts, like every other meetup service: not before
    the agreements, not while suspended."""
    import pytest
    from django.utils import timezone

    from connect.access import AccessDenied
    from connect.safety.models import Suspension
    from tests.factories import NotAgreedUserFactory

    newcomer = NotAgreedUserFactory()
    with pytest.raises(AccessDenied):
        services.issue_feed_token(newcomer)
    ann = members[0]
    Suspension.objects.create(user=ann, starts_at=timezone.now(), reason="test")
    with pytest.raises(AccessDenied):
        services.issue_feed_token(ann)
    assert not FeedToken.objects.filter(user__in=[newcomer, ann]).exists()
