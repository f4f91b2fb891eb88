"""Each community-health figure against hand-built data with known answers (SQLite)."""

from datetime import date, timedelta

import pytest

from accounts.models import Profile
from connect.chat.models import Message
from connect.circles.models import Invitation, MatchRound, Membership
from connect.insights import selectors
from connect.insights.selectors import HIDDEN, Filters
from connect.moderation.models import CrisisAlert, Report
from connect.safety.models import Block
from tests.factories import OnboardedUserFactory
from tests.insights.helpers import NOW, attend, circle_with, meetup, stamp

pytestmark = pytest.mark.django_db


def figure(figures, key):
    return next(f for f in figures if f.key == key)


def column(fig, name):
    i = fig.columns.index(name)
    return [row[i] for row in fig.rows]


def test_period_weeks_start_on_local_mondays():
    f = Filters(weeks=4, zone="Europe/London", now=NOW)
    assert f.week_starts == [
        date(2026, 10, 12),
        date(2026, 10, 19),
        date(2026, 10, 26),
        date(2026, 11, 2),
    ]
    # Monday 12 October 00:00 in London is 23:00 UTC on Sunday (summer time).
    assert f.start.isoformat() == "2026-10-12T00:00:00+01:00"
    since = Filters(since=date(2026, 10, 21), zone="UTC", now=NOW)
    assert since.week_starts[0] == date(2026, 10, 19) and since.weeks == 3


def test_waiting_now_by_rounds_waited_and_filters():
    for rounds, mode, city in [
        (0, "in_person", "London"),
        (1, "either", "London"),
        (2, "virtual", ""),
        (3, "in_person", "Leeds"),
        (5, "either", "London"),
        (9, "virtual", ""),
        (9, "in_person", "London"),
    ]:
        user = OnboardedUserFactory(onboarded__mode=mode, onboarded__city_name=city)
        Profile.objects.filter(user=user).update(waiting_rounds=rounds)
    OnboardedUserFactory(onboarded__is_looking=False)  # placed: not waiting
    gone = OnboardedUserFactory()
    gone.is_active = False
    gone.save()
    fig = selectors.waiting_figure(Filters(now=NOW))
    assert column(fig, "People") == [1, 1, 2, 1, 2]
    assert dict(fig.facts) == {"Waiting now": 7, "Median rounds waited": 3.0}
    # In person counts people open to either mode; the city is matched without case.
    london = selectors.waiting_figure(Filters(now=NOW, mode="in_person", city="london"))
    assert dict(london.facts)["Waiting now"] == 4


def test_rounds_placed_share_quality_and_reasons():
    def round_(days_ago, **fields):
        r = MatchRound.objects.create(started_at=NOW - timedelta(days=days_ago), **fields)
        return r

    round_(
        20,
        seekers=10,
        placeable=8,
        placed=6,
        circles_proposed=1,
        top_ups=0,
        quality_ratio=0.5,
        seconds=2.0,
        unplaced_reasons={"no one free at the same time nearby": 3, "x": 1},
    )
    round_(
        13,
        seekers=12,
        placeable=10,
        placed=10,
        circles_proposed=2,
        top_ups=1,
        quality_ratio=0.75,
        seconds=4.0,
        unplaced_reasons={"x": 2},
    )
    round_(
        6,
        seekers=4,
        placeable=0,
        placed=0,
        circles_proposed=0,
        quality_ratio=None,
        unplaced_reasons={"no one free at the same time nearby": 4},
    )
    round_(3, status=MatchRound.Status.FAILED, seekers=99, unplaced_reasons={"x": 50})
    round_(400, seekers=99, circles_proposed=9, unplaced_reasons={"x": 50})  # before the period
    f = Filters(weeks=12, now=NOW)
    rounds = selectors._rounds(f)
    fig = selectors.rounds_figure(f, rounds)
    assert column(fig, "Seekers") == [10, 12, 4]
    assert column(fig, "Placed % of placeable") == [75.0, 100.0, None]  # nobody placeable: no share
    assert column(fig, "Quality % of bound") == [50.0, 75.0, None]
    assert column(fig, "Seconds") == [2.0, 4.0, 0.0]
    formed = selectors.circles_formed_figure(f, rounds)
    assert column(formed, "New circles") == [1, 2, 0]
    reasons = selectors.reasons_figure(rounds)
    assert reasons.rows == [
        ["No one free at the same time nearby", 7, 70.0],
        ["X", 3, 30.0],
    ]


def test_invitation_rates():
    circle, people = circle_with(1, mode="in_person", city_name="London")
    other, _ = circle_with(1, mode="virtual")
    S = Invitation.Status
    for status in [S.ACCEPTED, S.ACCEPTED, S.ACCEPTED, S.DECLINED, S.EXPIRED, S.PENDING]:
        inv = Invitation.objects.create(
            circle=circle, user=OnboardedUserFactory(), status=status, expires_at=NOW
        )
        stamp(inv, created_at=NOW - timedelta(days=3))
    old = Invitation.objects.create(
        circle=circle, user=people[0], status=S.DECLINED, expires_at=NOW
    )
    stamp(old, created_at=NOW - timedelta(weeks=30))
    inv = Invitation.objects.create(circle=other, user=people[0], status=S.DECLINED, expires_at=NOW)
    stamp(inv, created_at=NOW - timedelta(days=2))
    fig = selectors.invitations_figure(Filters(weeks=4, now=NOW, mode="in_person"))
    assert fig.rows == [
        ["Accepted", 3, 60.0],
        ["Declined", 1, 20.0],
        ["Expired", 1, 20.0],
        ["Still waiting for an answer", 1, None],
    ]
    assert dict(fig.facts) == {"Sent": 6, "Acceptance rate": 60.0}
    everyone = selectors.invitations_figure(Filters(weeks=4, now=NOW))
    assert dict(everyone.facts)["Sent"] == 7


def test_days_from_sign_up_to_first_meetup():
    circle, _ = circle_with(1)
    quick, slow, never = OnboardedUserFactory(), OnboardedUserFactory(), OnboardedUserFactory()
    joined = NOW - timedelta(days=30)
    for person in (quick, slow, never):
        stamp(person, date_joined=joined)
    first = meetup(circle, joined + timedelta(days=3))
    later = meetup(circle, joined + timedelta(days=10))
    cancelled = meetup(circle, joined + timedelta(days=1), status="cancelled")
    attend(first, [quick])
    attend(later, [quick, slow])
    attend(cancelled, [slow])  # a cancelled meetup is never someone's first
    fig = selectors.first_meetup_figure(Filters(weeks=8, now=NOW))
    assert column(fig, "People") == [1, 1, 0, 0, 0, 1]
    facts = dict(fig.facts)
    assert facts["Attended a meetup"] == 2 and facts["Median days"] == 6.5
    # The circle's facilitator signed up on the real today, after NOW: not counted.
    assert facts["Signed up"] == 3


def test_attendance_against_rsvps():
    circle, people = circle_with(5)
    done = meetup(circle, NOW - timedelta(days=8))
    attend(done, people[:3], said_yes=people[:4])
    attend(meetup(circle, NOW - timedelta(days=9), status="cancelled"), people, said_yes=people)
    attend(meetup(circle, NOW + timedelta(days=1)), [], said_yes=people)  # still to come
    fig = selectors.attendance_figure(Filters(weeks=2, now=NOW))
    assert fig.rows == [["26 Oct", 4, 3, 75.0], ["2 Nov", 0, 0, None]]


def test_circles_still_meeting_after_4_8_12_weeks():
    kept, _ = circle_with(4)
    faded, _ = circle_with(4)
    young, _ = circle_with(4)
    formed = NOW - timedelta(weeks=13)
    for c in (kept, faded):
        stamp(c, activated_at=formed)
    stamp(young, activated_at=NOW - timedelta(weeks=5))
    for week in range(0, 13, 2):
        meetup(kept, formed + timedelta(weeks=week, days=1))
    for week in (0, 4, 8):  # its last meetup is 8 weeks in
        meetup(faded, formed + timedelta(weeks=week, hours=1))
    meetup(faded, formed + timedelta(weeks=12, hours=1), status="cancelled")
    meetup(young, NOW - timedelta(days=2))
    fig = selectors.retention_figure(Filters(weeks=26, now=NOW))
    assert fig.rows == [
        ["Aug 2026", 2, 100.0, 100.0, 50.0],
        ["Sep 2026", 1, 100.0, None, None],  # too soon to know about 8 and 12 weeks
    ]


def test_felt_heard_hides_small_cells():
    circle, people = circle_with(8, capacity=8)
    heard = {
        NOW - timedelta(days=22): ["yes"] * 4,  # 4 answers: the whole week is hidden
        NOW - timedelta(days=15): ["yes"] * 6 + ["somewhat"] * 3 + ["no"],
        NOW - timedelta(days=8): ["yes"] * 10 + ["somewhat"] * 5 + ["no"] * 2,
    }
    for when, answers in heard.items():
        # Several meetups a week when a week holds more answers than the circle has people.
        for n, start in enumerate(range(0, len(answers), len(people))):
            chunk = answers[start : start + len(people)]
            attend(meetup(circle, when + timedelta(hours=2 * n)), people[: len(chunk)], heard=chunk)
    fig = selectors.heard_figure(Filters(weeks=4, now=NOW))
    assert fig.rows == [
        ["12 Oct", HIDDEN, HIDDEN, HIDDEN, HIDDEN],
        ["19 Oct", 10, 6, HIDDEN, HIDDEN],
        # "no" (2) is under 5; alone it could be worked out from the total, so the
        # next smallest ("somewhat", 5) is hidden with it.
        ["26 Oct", 17, 10, HIDDEN, HIDDEN],
        ["2 Nov", HIDDEN, HIDDEN, HIDDEN, HIDDEN],
        ["Whole period", 31, 20, HIDDEN, HIDDEN],
    ]
    assert fig.chart.series[0].values == (None, 60.0, 58.8, None)
    assert dict(fig.facts)["Felt heard (yes) %"] == 64.5


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        (
            {"yes": 4, "somewhat": 0, "no": 0},
            {"total": HIDDEN, "yes": HIDDEN, "somewhat": HIDDEN, "no": HIDDEN},
        ),
        ({"yes": 5, "somewhat": 5, "no": 5}, {"total": 15, "yes": 5, "somewhat": 5, "no": 5}),
        (
            {"yes": 9, "somewhat": 6, "no": 0},
            {"total": 15, "yes": 9, "somewhat": HIDDEN, "no": HIDDEN},
        ),
        (
            {"yes": 1, "somewhat": 2, "no": 9},
            {"total": 12, "yes": HIDDEN, "somewhat": HIDDEN, "no": 9},
        ),
    ],
)
def test_small_cell_rule(counts, shown):
    assert selectors.suppress(counts) == shown


def test_reports_and_crisis_alerts():
    circle, people = circle_with(2, mode="virtual")
    for hours in (1, 3, None):
        report = Report.objects.create(
            reporter=people[0],
            target_type="member",
            target_id=people[1].pk,
            reason="other",
            status="open" if hours is None else "actioned",
        )
        created = NOW - timedelta(days=2)
        stamp(
            report,
            created_at=created,
            resolved_at=None if hours is None else created + timedelta(hours=hours),
        )
    message = Message.objects.create(circle=circle, author=people[0], body="hard day")
    for minutes in (10, 20, 60, None):
        alert = CrisisAlert.objects.create(message=message, circle=circle, author_id=people[0].pk)
        created = NOW - timedelta(days=1)
        stamp(
            alert,
            created_at=created,
            handled_at=None if minutes is None else created + timedelta(minutes=minutes),
        )
    fig = selectors.safety_figure(Filters(weeks=2, now=NOW))
    assert dict(fig.facts) == {
        "Reports opened": 3,
        "Reports still open": 1,
        "Median hours to first moderator action": 2.0,
        "Crisis alerts": 4,
        "Alerts not yet acknowledged": 1,
        "Median minutes to acknowledge": 20.0,
    }
    assert fig.rows == [["26 Oct", 0, 0], ["2 Nov", 3, 4]]
    in_person = selectors.safety_figure(Filters(weeks=2, now=NOW, mode="in_person"))
    assert dict(in_person.facts)["Crisis alerts"] == 0  # the alerts' circle meets by video


def test_blocks_and_leaves_per_100_members():
    circle, people = circle_with(5)
    other, others = circle_with(5)
    for person in people + others:
        Membership.objects.filter(user=person).update(joined_at=NOW - timedelta(weeks=10))
    left = Membership.objects.get(user=people[4])
    stamp(left, status=Membership.Status.LEFT, ended_at=NOW - timedelta(days=1))
    # The other circle closed: its members' memberships ended with it (not leaving).
    stamp(other, status="closed", closed_at=NOW - timedelta(days=8))
    Membership.objects.filter(circle=other).update(status="left", ended_at=NOW - timedelta(days=8))
    block = Block.objects.create(blocker=people[0], blocked=people[1])
    stamp(block, created_at=NOW - timedelta(days=8))
    fig = selectors.blocks_and_leaves_figure(Filters(weeks=2, now=NOW))
    assert fig.rows == [["26 Oct", 1, 0, 10.0, 0.0], ["2 Nov", 0, 1, 0.0, 10.0]]
    assert dict(fig.facts)["Members in the period"] == 10


def test_the_page_runs_every_figure_with_no_data():
    figures = selectors.community_health(Filters(now=NOW))
    assert len(figures) == 11
    assert all(f.rows is not None for f in figures)
