"""Hand-built data for the community-health tests: every row placed at a known instant."""

from datetime import UTC, datetime, timedelta

from connect.meetups.models import RSVP, CheckIn, Feedback, MeetupSeries, Occurrence
from tests.factories import CircleFactory, MembershipFactory, OnboardedUserFactory
from tests.seed import moderators_group

# A Wednesday, after both the UK (25 Oct) and US (1 Nov) autumn clock changes.
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)


def stamp(obj, **fields):
    """Set timestamps that auto_now_add would overwrite, straight in the database."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    for key, value in fields.items():
        setattr(obj, key, value)
    return obj


def make_moderator():
    person = OnboardedUserFactory()
    person.groups.add(moderators_group())
    return person


def meetup(circle, starts_at, status=Occurrence.Status.SCHEDULED) -> Occurrence:
    series = MeetupSeries.objects.create(
        circle=circle,
        title="Meetup",
        mode="virtual",
        video_url="https://video.example/room",
        timezone="UTC",
        start_date=starts_at.date(),
        start_time=starts_at.time(),
    )
    return Occurrence.objects.create(
        series=series,
        circle=circle,
        original_start=starts_at,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        status=status,
    )


def attend(occurrence, people, *, said_yes=(), heard=()):
    """RSVP yes for ``said_yes``, check in ``people``, and one answer per ``heard`` item
    (given by the first len(heard) of ``people``)."""
    for person in said_yes:
        RSVP.objects.create(occurrence=occurrence, user=person, answer=RSVP.Answer.YES)
    for person in people:
        CheckIn.objects.create(occurrence=occurrence, user=person)
    for person, answer in zip(people, heard, strict=False):
        Feedback.objects.create(occurrence=occurrence, user=person, heard=answer)


def circle_with(n, **fields):
    """A circle with a facilitator and ``n - 1`` members; returns (circle, people)."""
    circle = CircleFactory(**fields)
    people = [
        MembershipFactory(circle=circle, role="facilitator" if i == 0 else "member").user
        for i in range(n)
    ]
    return circle, people
