"""Reads about circles and membership. Every permission check goes through here."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from accounts.selectors import topic_names
from accounts.zones import zone_or_utc
from connect.safety.models import Block

from .geo import distance_label, rounded_km
from .models import Circle, Invitation, JoinRequest, Membership
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


def browse_circles(profile, *, topic="", mode="", max_km=None, day=None, part="", language=""):
    """Open circles with a free seat, filtered; times and distances from ``profile``.
    Circles with a member in a block with the viewer are left out."""
    qs = _without_blocked_members(
        Circle.objects.filter(status__in=BROWSABLE, join_policy=Circle.JoinPolicy.OPEN),
        getattr(profile, "user_id", None),
    )
    qs = _with_pending(qs).prefetch_related("topics").order_by("name", "pk")
    if topic:
        qs = qs.filter(topics__slug=topic).distinct()
    if mode:
        qs = qs.filter(mode=mode)
    if language:
        qs = qs.filter(language=language)
    cards = []
    for circle in qs:
        card = card_for(circle, profile)
        if card.open_seats <= 0:
            continue
        if max_km is not None and circle.mode == Circle.Mode.IN_PERSON:
            if card.distance_km is None or card.distance_km > max_km:
                continue
        if day is not None and card.when.weekday != day:
            continue
        if part and card.when.part_of_day != part:
            continue
        cards.append(card)
    return cards


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
