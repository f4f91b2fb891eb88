"""Every meetup service checks who acts: called on behalf of the wrong person it
raises AccessDenied and changes nothing (the pages are not the only guard)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from connect.access import AccessDenied
from connect.circles.models import Membership
from connect.meetups import services
from connect.meetups.models import RSVP, CheckIn, Feedback, MeetupSeries, Occurrence
from connect.safety.models import Suspension
from tests.factories import MembershipFactory, OnboardedUserFactory

from .conftest import series_fields


def _suspend(user):
    Suspension.objects.create(user=user, starts_at=timezone.now(), reason="test")


def _unagree(user):
    profile = user.profile
    profile.adult_confirmed_at = None
    profile.save()


@pytest.fixture
def who(request, outsider, members, facilitator):
    """The person acting: an outsider, a member who may not manage, or the
    facilitator while suspended or without the agreements."""
    kind = request.param
    if kind == "outsider":
        return outsider
    if kind == "member":
        return members[0]
    if kind == "former":
        Membership.objects.filter(user=members[0]).update(status=Membership.Status.LEFT)
        return members[0]
    if kind == "suspended":
        _suspend(facilitator)
    else:
        _unagree(facilitator)
    return facilitator


@pytest.fixture
def attendee(request, outsider, members):
    """The person answering or checking in: an outsider, a former member, or a
    member while suspended or without the agreements."""
    kind = request.param
    if kind == "outsider":
        return outsider
    person = members[0]
    if kind == "former":
        Membership.objects.filter(user=person).update(status=Membership.Status.LEFT)
    elif kind == "suspended":
        _suspend(person)
    else:
        _unagree(person)
    return person


MANAGERS_ONLY = ["outsider", "member", "suspended", "not_agreed"]
MEMBERS_ONLY = ["outsider", "former", "suspended", "not_agreed"]


@pytest.mark.parametrize("who", MANAGERS_ONLY, indirect=True)
def test_schedule_refuses(circle, who, members):
    with pytest.raises(AccessDenied):
        services.schedule_series(circle, who, **series_fields())
    assert not MeetupSeries.objects.exists()
    assert not Occurrence.objects.exists()


def test_a_member_may_schedule_where_the_circle_allows_it(circle, members):
    circle.members_can_schedule = True
    circle.save()
    assert services.schedule_series(circle, members[0], **series_fields()).pk


@pytest.mark.parametrize("who", MANAGERS_ONLY, indirect=True)
def test_edit_refuses(meetup, who):
    series = meetup.series
    before = (series.title, series.sequence)
    with pytest.raises(AccessDenied):
        services.edit_series(series, who, **series_fields(title="Taken over"))
    series.refresh_from_db()
    assert (series.title, series.sequence) == before


@pytest.mark.parametrize("who", MANAGERS_ONLY, indirect=True)
def test_move_refuses(meetup, who):
    before = meetup.starts_at
    new_day = (timezone.now() + timedelta(days=5)).date()
    with pytest.raises(AccessDenied):
        services.move_occurrence(meetup, who, new_day, time(9, 0))
    meetup.refresh_from_db()
    assert meetup.starts_at == before
    assert meetup.status == Occurrence.Status.SCHEDULED


@pytest.mark.parametrize("who", MANAGERS_ONLY, indirect=True)
def test_cancel_refuses(meetup, who):
    with pytest.raises(AccessDenied):
        services.cancel_occurrence(meetup, who)
    meetup.refresh_from_db()
    assert meetup.status == Occurrence.Status.SCHEDULED
    assert meetup.cancelled_at is None


def test_whoever_scheduled_may_manage_their_series(circle, members):
    circle.members_can_schedule = True
    circle.save()
    series = services.schedule_series(circle, members[0], **series_fields())
    occurrence = series.occurrences.get()
    services.cancel_occurrence(occurrence, members[0])
    occurrence.refresh_from_db()
    assert occurrence.is_cancelled


@pytest.mark.parametrize("attendee", MEMBERS_ONLY, indirect=True)
def test_rsvp_refuses(meetup, attendee):
    with pytest.raises(AccessDenied):
        services.rsvp(meetup, attendee, "yes")
    assert not RSVP.objects.exists()


@pytest.mark.parametrize("attendee", MEMBERS_ONLY, indirect=True)
def test_check_in_refuses(meetup, attendee):
    started = timezone.now() - timedelta(minutes=30)
    Occurrence.objects.filter(pk=meetup.pk).update(
        starts_at=started, ends_at=started + timedelta(minutes=90)
    )
    meetup.refresh_from_db()
    with pytest.raises(AccessDenied):
        services.check_in(meetup, attendee, "yes", "thanks")
    assert not CheckIn.objects.exists()
    assert not Feedback.objects.exists()


def test_an_outsider_is_answered_as_if_the_meetup_did_not_exist(meetup, outsider):
    with pytest.raises(AccessDenied) as caught:
        services.rsvp(meetup, outsider, "yes")
    assert caught.value.status == 404


def test_a_stranger_is_not_told_the_member_rules(meetup):
    stranger = OnboardedUserFactory()
    MembershipFactory(user=stranger)  # a member elsewhere
    with pytest.raises(AccessDenied) as caught:
        services.check_in(meetup, stranger)
    assert caught.value.status == 404
