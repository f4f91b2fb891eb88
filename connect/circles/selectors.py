"""Reads about circles and membership. Every permission check goes through here."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from accounts.selectors import topic_names
from accounts.zones import zone_or_utc
from connect.safety.models import Block

from .geo import distance_label, rounded_km
from .models import Circle, Invitation, JoinRequest, Membership, seats_open
from .timeslots import slot_in_zone


def active_membership(user, circle_id: int) -> Membership | None:
    """The person's active membership of the circle, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, circle_id=circle_id, status=Membership.Status.ACTIVE)
        .select_related("circle")
        .first()
    )


def is_active_member(user, circle_id: int) -> bool:
    return active_membership(user, circle_id) is not None


def is_facilitator(user, circle_id: int) -> bool:
    membership = active_membership(user, circle_id)
    return membership is not None and membership.is_facilitator


def circles_of(user):
    """The circles the person is an active member of."""
    return Circle.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).exclude(status=Circle.Status.CLOSED)


BROWSABLE = (Circle.Status.ACTIVE, Circle.Status.PAUSED)


def _with_pending(qs):
    return qs.annotate(
        pending_invites=Count(
            "invitations", filter=Q(invitations__status=Invitation.Status.PENDING)
        )
    )


@dataclass
class CircleCard:
    """What browsing shows about a circle: no member list, no coordinates."""

    circle: Circle
    when: object  # timeslots.LocalTime in the viewer's zone
    distance_km: int | None
    open_seats: int
    topics: list


def _without_blocked_members(qs, viewer_id: int | None):
    """Drop circles with an active member in a block (either way) with ``viewer_id``:
    a blocked pair never meets through browsing. One subquery, whatever the size."""
    if viewer_id is None:
        return qs
    in_block = Block.objects.filter(
        Q(blocker_id=viewer_id, blocked_id=OuterRef("user_id"))
        | Q(blocked_id=viewer_id, blocker_id=OuterRef("user_id"))
    )
    member_in_block = Membership.objects.filter(
        circle_id=OuterRef("pk"), status=Membership.Status.ACTIVE
    ).filter(Exists(in_block))
    return qs.exclude(Exists(member_in_block))


def browsable_circle(circle_id: int, viewer_id: int | None = None) -> Circle | None:
    qs = Circle.objects.filter(pk=circle_id, status__in=BROWSABLE)
    return _with_pending(_without_blocked_members(qs, viewer_id)).prefetch_related("topics").first()


def card_for(circle: Circle, profile) -> CircleCard:
    pending = getattr(circle, "pending_invites", 0)
    km = None
    if circle.mode == Circle.Mode.IN_PERSON and profile is not None:
        km = rounded_km(profile.lat, profile.lon, circle.lat, circle.lon)
    return CircleCard(
        circle=circle,
        when=slot_in_zone(circle.start_slot, circle.slot_count, getattr(profile, "timezone", "")),
        distance_km=km,
        open_seats=circle.open_seats(pending),
        topics=list(circle.topics.all()),
    )


class BrowseResults:
    """Circles found by browsing, in order, as a sequence the paginator can page:
    which circles match is decided for all of them from a few columns; full
    cards (topics, local times) are built only for the slice a page shows.
    Building a card for every open circle made browsing the slowest page at
    scale (900 cards, most of them never shown)."""

    def __init__(self, ids: list[int], profile):
        self.ids = ids
        self.profile = profile

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        wanted = self.ids[index]
        rows = _with_pending(Circle.objects.filter(pk__in=wanted)).prefetch_related("topics")
        by_id = {circle.pk: circle for circle in rows}
        return [card_for(by_id[pk], self.profile) for pk in wanted if pk in by_id]


def browse_circles(profile, *, topic="", mode="", max_km=None, day=None, part="", language=""):
    """Open circles with a free seat, filtered; times and distances from ``profile``.
    Circles with a member in a block with the viewer are left out."""
    qs = _without_blocked_members(
        Circle.objects.filter(status__in=BROWSABLE, join_policy=Circle.JoinPolicy.OPEN),
        getattr(profile, "user_id", None),
    )
    qs = _with_pending(qs).order_by("name", "pk")
    if topic:
        qs = qs.filter(topics__slug=topic).distinct()
    if mode:
        qs = qs.filter(mode=mode)
    if language:
        qs = qs.filter(language=language)
    zone_name = getattr(profile, "timezone", "")
    times: dict[tuple[int, int], object] = {}  # many circles share a start: each read once
    ids = []
    for pk, circle_mode, lat, lon, start, count, capacity, members, pending in qs.values_list(
        "pk",
        "mode",
        "lat",
        "lon",
        "start_slot",
        "slot_count",
        "capacity",
        "member_count",
        "pending_invites",
    ):
        if seats_open(capacity, members, pending) <= 0:
            continue
        if max_km is not None and circle_mode == Circle.Mode.IN_PERSON:
            km = rounded_km(profile.lat, profile.lon, lat, lon) if profile is not None else None
            if km is None or km > max_km:
                continue
        if day is not None or part:
            when = times.get((start, count))
            if when is None:
                when = times[(start, count)] = slot_in_zone(start, count, zone_name)
            if day is not None and when.weekday != day:
                continue
            if part and when.part_of_day != part:
                continue
        ids.append(pk)
    return BrowseResults(ids, profile)


def circle_members(circle_id: int):
    """Active memberships with display names (for members' eyes only)."""
    return (
        Membership.objects.filter(circle_id=circle_id, status=Membership.Status.ACTIVE)
        .select_related("user__profile")
        .order_by("-role", "joined_at", "pk")
    )


def pending_join_requests(circle_id: int):
    return JoinRequest.objects.filter(
        circle_id=circle_id, status=JoinRequest.Status.PENDING
    ).select_related("user__profile")


def my_invitations(user):
    return (
        Invitation.objects.filter(user=user, status=Invitation.Status.PENDING)
        .select_related("circle")
        .order_by("expires_at")
    )


def my_join_requests(user):
    return (
        JoinRequest.objects.filter(user=user).select_related("circle").order_by("-created_at")[:20]
    )


def my_circles(user):
    return (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .exclude(circle__status=Circle.Status.CLOSED)
        .select_related("circle")
        .order_by("circle__name")
    )


def invitation_for(user, invitation_id: int) -> Invitation | None:
    """The person's own invitation (anyone else's is None, shown as 404)."""
    return (
        Invitation.objects.filter(pk=invitation_id, user=user)
        .select_related("circle", "user__profile")
        .prefetch_related(Prefetch("circle__topics"))
        .first()
    )


def invitation_reasons(inv: Invitation) -> dict:
    """Why the person was matched and when to answer by, as they read it: topic
    names, the circle's time and the deadline in their own zone, the distance.
    The invitation page and its email both show this."""
    profile = getattr(inv.user, "profile", None)
    tz = zone_or_utc(getattr(profile, "timezone", ""))
    return {
        "topics": topic_names(inv.shared_topics),
        "when": slot_in_zone(inv.circle.start_slot, inv.circle.slot_count, tz.key),
        "distance": distance_label(inv.distance_km),
        "zone": tz.key,
        "zone_label": tz.key.replace("_", " "),
    }
