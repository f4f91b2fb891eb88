"""Who may do what with meetups: the one place views, services and selectors ask.

Each ``access_*`` helper returns what was asked for or raises
``connect.access.AccessDenied``:

- not agreed yet (18+, current guidelines): a redirect to onboarding's
  agreements step with a notice, asked first so nobody is told more;
- suspended (services only: the suspension middleware already keeps suspended
  people off the pages): 403 with the reason;
- anyone outside the circle, or a member who may not schedule or manage: 404,
  so nobody outside a circle learns a meetup's time, venue, link or who comes.
"""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.selectors import has_agreed
from connect.access import AGREEMENTS_FIRST, AccessDenied, forbidden, not_found, valid_id
from connect.circles.models import Circle, Membership
from connect.circles.permissions import access_circle_as_member
from connect.safety.selectors import is_suspended

from .models import MeetupSeries, Occurrence

NO_CIRCLE = _("No such circle.")
NO_MEETUP = _("No such meetup.")
SUSPENDED = _("Your account is suspended, so you can't take part in meetups right now.")


def can_schedule(membership: Membership | None) -> bool:
    """Facilitators schedule; other members too if the circle allows it."""
    if membership is None or membership.circle.status == Circle.Status.CLOSED:
        return False
    return membership.is_facilitator or membership.circle.members_can_schedule


def can_manage(membership: Membership | None, series: MeetupSeries) -> bool:
    """Facilitators, and whoever scheduled the series, may change or cancel it."""
    if membership is None:
        return False
    return membership.is_facilitator or series.created_by_id == membership.user_id


def agreements_refusal() -> AccessDenied:
    url = reverse("onboarding_step", args=["agreements"])
    return AccessDenied(AGREEMENTS_FIRST, redirect_to=url)


def access_agreed(user) -> None:
    """Meetups are for people who finished onboarding's agreements.

    Reads the profile the request already loaded when there is one, so a page
    pays no query for it."""
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    if profile is None or not profile.has_agreed:
        raise agreements_refusal()


def access_participant(user) -> None:
    """Agreed and not suspended: what every meetup service asks of the person acting."""
    if not has_agreed(user):
        raise agreements_refusal()
    if is_suspended(user.pk):
        raise forbidden(SUSPENDED)


def access_circle_meetups(user, circle_id) -> Membership:
    """A circle's meetup pages: its active members (who agreed), else 404."""
    access_agreed(user)
    return access_circle_as_member(user, circle_id, NO_CIRCLE)


def access_circle_to_schedule(user, circle_id, *, acting: bool = True) -> Membership:
    """Someone who may schedule in the circle (``can_schedule``), else 404.
    ``acting``: a service about to write, so a suspension refuses too."""
    if acting:
        access_participant(user)
    membership = access_circle_meetups(user, circle_id)
    if not can_schedule(membership):
        raise not_found(_("Scheduling is not open to you in this circle."))
    return membership


def _occurrences(lock: bool) -> QuerySet[Occurrence]:
    qs = Occurrence.objects.select_related("series", "circle")
    # Locks the occurrence and its series (seats are counted against the series' capacity).
    return qs.select_for_update(of=("self", "series")) if lock else qs


def access_occurrence(
    user, occurrence_id, *, acting: bool = False, lock: bool = False
) -> tuple[Occurrence, Membership]:
    """(occurrence, membership) for an active member of its circle, else 404.

    ``acting``: a service about to write (RSVP, check-in), so a suspension
    refuses too; ``lock``: the occurrence row is locked (call in a transaction).
    """
    access_agreed(user)
    if acting:
        access_participant(user)
    occurrence = _occurrences(lock).filter(pk=valid_id(occurrence_id, NO_MEETUP)).first()
    if occurrence is None:
        raise not_found(NO_MEETUP)
    membership = access_circle_as_member(user, occurrence.circle_id, NO_MEETUP)
    return occurrence, membership


def access_occurrence_to_manage(
    user, occurrence_id, *, acting: bool = False, lock: bool = False
) -> tuple[Occurrence, Membership]:
    """As ``access_occurrence``, for whoever may change or cancel it (``can_manage``)."""
    occurrence, membership = access_occurrence(user, occurrence_id, acting=acting, lock=lock)
    if not can_manage(membership, occurrence.series):
        raise not_found(NO_MEETUP)
    return occurrence, membership


def access_series_to_manage(
    user, series_id, *, acting: bool = False, lock: bool = False
) -> tuple[MeetupSeries, Membership]:
    """A series the person may change (``can_manage``), else 404."""
    access_agreed(user)
    if acting:
        access_participant(user)
    qs = MeetupSeries.objects.select_related("circle")
    if lock:
        qs = qs.select_for_update(of=("self",))
    series = qs.filter(pk=valid_id(series_id, NO_MEETUP)).first()
    if series is None:
        raise not_found(NO_MEETUP)
    membership = access_circle_as_member(user, series.circle_id, NO_MEETUP)
    if not can_manage(membership, series):
        raise not_found(NO_MEETUP)
    return series, membership


def access_may_see_details(user) -> bool:
    """Whether the person may see member-only meetup details (venue, video link)
    where no session guards the request (the private calendar feed)."""
    return has_agreed(user) and not is_suspended(user.pk)
