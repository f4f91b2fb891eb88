"""Writes about circles, memberships, invitations and join requests.

Seat counts change only here, under a row lock on the circle (always locked
before any invitation or request row, so two writers never deadlock), and the
``member_count <= capacity`` / one-active-membership constraints back every
write. Each public function raises ``CircleError`` with a message fit to show
the person when it refuses; it then changes nothing.

Decisions where the issue left room:

* Refill policy: a declined or expired invitation frees its seat for the
  *next matching round* (open seats = capacity − members − pending
  invitations), not at once: rounds see everyone waiting, so they place the
  seat best, and the round already runs daily.
* Facilitator: whoever ticks "I'm willing to facilitate" when accepting
  becomes the facilitator if the circle has none. If nobody volunteered when
  the circle becomes active, the first person who accepted is asked (made
  facilitator and told they can hand the role over).
* Below the minimum size: an active circle that drops below 4 members is
  paused and its remaining members are asked "stay open or close?". It stays
  open (and the next rounds top it up) unless more than half of the remaining
  members vote to close; one more member vote decides at once, no deadline.
* A forming circle dissolves as soon as accepted + still-pending invitations
  cannot reach the minimum; its accepted members go back to waiting with
  ``DISSOLVED_PRIORITY_ROUNDS`` extra waiting rounds so the engine places
  them first next time.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile, Topic
from accounts.selectors import has_agreed
from connect.chat.realtime import CLOSE_MEMBERSHIP_ENDED, close_user_sockets
from connect.moderation.selectors import blocked_ids, is_suspended
from connect.notifications.models import Kind
from connect.notifications.services import notify

from .models import (
    MIN_CIRCLE_SIZE,
    Circle,
    Invitation,
    JoinRequest,
    Membership,
    StayOpenVote,
)

DISSOLVED_PRIORITY_ROUNDS = 3


class CircleError(Exception):
    """A refused action; ``str(exc)`` is a message for the person."""


AGREEMENTS_FIRST = "Please confirm you are 18 or over and accept the community guidelines first."


def _require_agreed(user) -> None:
    """Nothing circle-related happens before 18+ and the guidelines are agreed."""
    if not has_agreed(user):
        raise CircleError(AGREEMENTS_FIRST)


def _now():
    return timezone.now()


def _lock_circle(circle_id: int) -> Circle:
    try:
        return Circle.objects.select_for_update().get(pk=circle_id)
    except Circle.DoesNotExist as exc:
        raise CircleError("That circle does not exist.") from exc


def _circle_url(circle: Circle) -> str:
    return reverse("circles:detail", args=[circle.pk])


def pending_invitation_count(circle_id: int) -> int:
    return Invitation.objects.filter(circle_id=circle_id, status=Invitation.Status.PENDING).count()


def _notify_members(circle: Circle, title: str, body: str = "", exclude=()) -> None:
    members = Membership.objects.filter(
        circle=circle, status=Membership.Status.ACTIVE
    ).select_related("user")
    for m in members:
        if m.user_id not in exclude:
            notify(m.user, Kind.CIRCLE, title, body, url=_circle_url(circle))


# --- Circles ------------------------------------------------------------------


def circle_name_for(topic_slugs, city_name: str = "") -> str:
    """A friendly generated name from the circle's main shared topic."""
    topic = Topic.objects.filter(slug__in=list(topic_slugs)[:1]).first()
    base = f"{topic.name} circle" if topic else "Connect circle"
    return f"{base}, {city_name}"[:80] if city_name else base[:80]


@transaction.atomic
def circle_create_from_proposal(
    *,
    member_ids,
    start_slot: int,
    mode: str,
    language: str,
    topic_slugs,
    lat=None,
    lon=None,
    city_name: str = "",
    slot_count: int = 2,
    capacity: int | None = None,
    match_reason: str = "",
    match_round=None,
    scores=None,
) -> tuple[Circle, list[Invitation]]:
    """Create a forming circle and one pending invitation per proposed member."""
    capacity = capacity or max(len(member_ids), MIN_CIRCLE_SIZE, 6)
    circle = Circle.objects.create(
        name=circle_name_for(topic_slugs, city_name if mode == Circle.Mode.IN_PERSON else ""),
        mode=mode,
        language=language,
        start_slot=start_slot,
        slot_count=slot_count,
        city_name=city_name if mode == Circle.Mode.IN_PERSON else "",
        lat=lat if mode == Circle.Mode.IN_PERSON else None,
        lon=lon if mode == Circle.Mode.IN_PERSON else None,
        capacity=min(capacity, 8),
        status=Circle.Status.FORMING,
        match_reason=match_reason,
        match_round=match_round,
    )
    circle.topics.set(Topic.objects.filter(slug__in=list(topic_slugs)))
    invitations = invitations_create(
        circle,
        member_ids,
        kind=Invitation.Kind.NEW_CIRCLE,
        topic_slugs=topic_slugs,
        match_round=match_round,
        scores=scores,
    )
    return circle, invitations


def _activate(circle: Circle) -> None:
    """Forming/paused → active; make sure someone facilitates; tell everyone."""
    was_forming = circle.status == Circle.Status.FORMING
    circle.status = Circle.Status.ACTIVE
    circle.below_minimum_since = None
    if circle.activated_at is None:
        circle.activated_at = _now()
    circle.save(update_fields=["status", "activated_at", "below_minimum_since"])
    StayOpenVote.objects.filter(circle=circle).delete()
    active = Membership.objects.filter(circle=circle, status=Membership.Status.ACTIVE)
    if not active.filter(role=Membership.Role.FACILITATOR).exists():
        first = active.order_by("joined_at", "pk").select_related("user").first()
        if first is not None:
            first.role = Membership.Role.FACILITATOR
            first.save(update_fields=["role"])
            notify(
                first.user,
                Kind.CIRCLE,
                f"Would you facilitate {circle.name}?",
                "You were the first to accept, so we have asked you to be this circle's "
                "facilitator: welcome people, schedule meetups and approve join requests. "
                "If you'd rather not, hand the role to another member on the circle page.",
                url=_circle_url(circle),
            )
    if was_forming:
        _notify_members(
            circle,
            f"{circle.name} is now active",
            "Enough people have accepted: your circle is starting. Say hello in the chat "
            "and find a time for your first meetup.",
        )
    else:
        _notify_members(circle, f"{circle.name} is back to full strength")


def _after_join(circle: Circle, user) -> None:
    """Tell an existing circle who joined (a forming circle is told once, when it
    starts), and start the circle once it has the minimum members."""
    if circle.status != Circle.Status.FORMING:
        _notify_members(circle, f"{user.display_name} joined {circle.name}", exclude={user.pk})
    if (
        circle.status in (Circle.Status.FORMING, Circle.Status.PAUSED)
        and circle.member_count >= MIN_CIRCLE_SIZE
    ):
        _activate(circle)


@transaction.atomic
def circle_activate(circle_id: int) -> Circle:
    """Activate a forming or paused circle that has at least the minimum members."""
    circle = _lock_circle(circle_id)
    if circle.status == Circle.Status.ACTIVE:
        return circle
    if circle.status == Circle.Status.CLOSED:
        raise CircleError("This circle has closed.")
    if circle.member_count < MIN_CIRCLE_SIZE:
        raise CircleError(f"A circle needs at least {MIN_CIRCLE_SIZE} members to start.")
    _activate(circle)
    return circle


def _end_membership_locked(membership: Membership, status=Membership.Status.LEFT) -> None:
    membership.status = status
    membership.ended_at = _now()
    membership.save(update_fields=["status", "ended_at"])
    Circle.objects.filter(pk=membership.circle_id).update(member_count=F("member_count") - 1)
    close_user_sockets(membership.user_id, CLOSE_MEMBERSHIP_ENDED, membership.circle_id)


@transaction.atomic
def circle_dissolve(circle_id: int, reason: str = "") -> Circle:
    """Close a forming circle that cannot start: its accepted members go back to
    waiting, first in line; pending invitations are withdrawn."""
    circle = _lock_circle(circle_id)
    if circle.status == Circle.Status.CLOSED:
        return circle
    members = list(
        Membership.objects.select_for_update()
        .filter(circle=circle, status=Membership.Status.ACTIVE)
        .select_related("user")
    )
    for m in members:
        _end_membership_locked(m)
        Profile.objects.filter(user_id=m.user_id).update(
            is_looking=True, waiting_rounds=F("waiting_rounds") + DISSOLVED_PRIORITY_ROUNDS
        )
        notify(
            m.user,
            Kind.CIRCLE,
            f"{circle.name} did not start",
            (reason or "Not enough people accepted in time.")
            + " You're back on the waiting list, at the front of the line for the next "
            "matching round.",
            url=reverse("circles:mine"),
        )
    Invitation.objects.filter(circle=circle, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.WITHDRAWN, responded_at=_now()
    )
    JoinRequest.objects.filter(circle=circle, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=_now()
    )
    Circle.objects.filter(pk=circle.pk).update(status=Circle.Status.CLOSED, closed_at=_now())
    circle.refresh_from_db()
    return circle


def _close_circle(circle: Circle, reason: str) -> None:
    members = list(
        Membership.objects.select_for_update()
        .filter(circle=circle, status=Membership.Status.ACTIVE)
        .select_related("user")
    )
    for m in members:
        _end_membership_locked(m)
        notify(m.user, Kind.CIRCLE, f"{circle.name} has closed", reason, url="/")
    Invitation.objects.filter(circle=circle, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.WITHDRAWN, responded_at=_now()
    )
    JoinRequest.objects.filter(circle=circle, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=_now()
    )
    Circle.objects.filter(pk=circle.pk).update(status=Circle.Status.CLOSED, closed_at=_now())


def check_forming_viability(circle_id: int) -> bool:
    """Dissolve a forming circle that can no longer reach the minimum. True if dissolved."""
    with transaction.atomic():
        circle = _lock_circle(circle_id)
        if circle.status != Circle.Status.FORMING:
            return False
        if circle.member_count + pending_invitation_count(circle.pk) >= MIN_CIRCLE_SIZE:
            return False
    circle_dissolve(circle_id, "Not enough people accepted before the invitations ran out.")
    return True


@transaction.atomic
def circle_update(user, circle_id: int, *, name: str, join_policy: str) -> Circle:
    """A facilitator renames the circle or changes whether it takes join requests."""
    circle = _lock_circle(circle_id)
    _require_facilitator(user, circle)
    name = (name or "").strip()
    if not name:
        raise CircleError("Give the circle a name.")
    if join_policy not in Circle.JoinPolicy.values:
        raise CircleError("Choose whether the circle takes join requests.")
    circle.name = name[:80]
    circle.join_policy = join_policy
    circle.save(update_fields=["name", "join_policy"])
    return circle


def _require_facilitator(user, circle: Circle) -> Membership:
    m = Membership.objects.filter(circle=circle, user=user, status=Membership.Status.ACTIVE).first()
    if m is None or not m.is_facilitator:
        raise CircleError("Only this circle's facilitator can do that.")
    return m


# --- Membership ---------------------------------------------------------------


@transaction.atomic
def membership_leave(user, circle_id: int) -> Circle:
    """Leave a circle: free the seat, keep a facilitator, pause below the minimum."""
    circle = _lock_circle(circle_id)
    membership = (
        Membership.objects.select_for_update()
        .filter(circle=circle, user=user, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise CircleError("You are not a member of this circle.")
    _end_membership_locked(membership)
    circle.refresh_from_db()
    remaining = Membership.objects.filter(circle=circle, status=Membership.Status.ACTIVE)
    if (
        membership.is_facilitator
        and not remaining.filter(role=Membership.Role.FACILITATOR).exists()
    ):
        nxt = remaining.order_by("joined_at", "pk").select_related("user").first()
        if nxt is not None:
            nxt.role = Membership.Role.FACILITATOR
            nxt.save(update_fields=["role"])
            notify(
                nxt.user,
                Kind.CIRCLE,
                f"Would you facilitate {circle.name}?",
                "Your facilitator left, and you have been in the circle longest. You can "
                "hand the role to another member on the circle page.",
                url=_circle_url(circle),
            )
    if circle.member_count == 0:
        Circle.objects.filter(pk=circle.pk).update(status=Circle.Status.CLOSED, closed_at=_now())
    elif circle.status == Circle.Status.ACTIVE and circle.member_count < MIN_CIRCLE_SIZE:
        circle.status = Circle.Status.PAUSED
        circle.below_minimum_since = _now()
        circle.save(update_fields=["status", "below_minimum_since"])
        StayOpenVote.objects.filter(circle=circle).delete()
        _notify_members(
            circle,
            f"{circle.name} is below {MIN_CIRCLE_SIZE} members: stay open or close?",
            "Someone left, so the circle is paused. It stays open and the next matching "
            "rounds offer its seats to new people, unless more than half of you vote to "
            "close it. Vote on the circle page.",
        )
    elif circle.status == Circle.Status.FORMING:
        transaction.on_commit(lambda: check_forming_viability(circle.pk))
    return circle


@transaction.atomic
def stay_open_vote(user, circle_id: int, choice: str) -> Circle:
    """A remaining member votes whether a paused circle stays open or closes."""
    circle = _lock_circle(circle_id)
    if not Membership.objects.filter(
        circle=circle, user=user, status=Membership.Status.ACTIVE
    ).exists():
        raise CircleError("You are not a member of this circle.")
    if circle.status != Circle.Status.PAUSED:
        raise CircleError("There is nothing to vote on: the circle is not paused.")
    if choice not in StayOpenVote.Choice.values:
        raise CircleError("Choose to stay open or to close.")
    StayOpenVote.objects.update_or_create(circle=circle, user=user, defaults={"choice": choice})
    close_votes = StayOpenVote.objects.filter(
        circle=circle,
        choice=StayOpenVote.Choice.CLOSE,
        user__memberships__circle=circle,
        user__memberships__status=Membership.Status.ACTIVE,
    ).count()
    if close_votes * 2 > circle.member_count:
        _close_circle(circle, "Most of the remaining members chose to close the circle.")
        circle.refresh_from_db()
    return circle


@transaction.atomic
def facilitator_handover(user, circle_id: int, to_user_id: int) -> Circle:
    """A facilitator hands the role to another active member."""
    circle = _lock_circle(circle_id)
    mine = _require_facilitator(user, circle)
    target = (
        Membership.objects.filter(
            circle=circle, user_id=to_user_id, status=Membership.Status.ACTIVE
        )
        .select_related("user")
        .first()
    )
    if target is None or target.pk == mine.pk:
        raise CircleError("Choose another member of this circle.")
    target.role = Membership.Role.FACILITATOR
    target.save(update_fields=["role"])
    mine.role = Membership.Role.MEMBER
    mine.save(update_fields=["role"])
    notify(
        target.user,
        Kind.CIRCLE,
        f"You are now the facilitator of {circle.name}",
        f"{user.display_name} handed the facilitator role to you.",
        url=_circle_url(circle),
    )
    return circle


def _add_member(circle: Circle, user, role=Membership.Role.MEMBER) -> Membership:
    """Take a seat; the caller holds the circle's row lock."""
    if circle.member_count >= circle.capacity:
        raise CircleError(
            "Sorry, this circle is full now: someone took the last seat a moment ago."
        )
    if Membership.objects.filter(
        circle=circle, user=user, status=Membership.Status.ACTIVE
    ).exists():
        raise CircleError("You are already a member of this circle.")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(circle=circle, user=user, role=role)
            Circle.objects.filter(pk=circle.pk).update(member_count=F("member_count") + 1)
    except IntegrityError as exc:  # the constraints are the last word on seats
        raise CircleError("Sorry, this circle is full now, or you are already in it.") from exc
    circle.member_count += 1
    Profile.objects.filter(user=user).update(waiting_rounds=0)
    return membership


# --- Invitations --------------------------------------------------------------


def invitations_create(
    circle: Circle,
    member_ids,
    *,
    kind: str,
    topic_slugs=(),
    match_round=None,
    scores=None,
) -> list[Invitation]:
    """Pending invitations (+ in-app notifications, + email tasks on commit)."""
    from .tasks import send_invitation_email

    expires = _now() + timedelta(hours=settings.CONNECT_INVITATION_HOURS)
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=list(member_ids))}
    from .geo import rounded_km

    created = []
    for index, uid in enumerate(member_ids):
        p = profiles.get(uid)
        km = (
            rounded_km(p.lat, p.lon, circle.lat, circle.lon)
            if p is not None and circle.mode == Circle.Mode.IN_PERSON
            else None
        )
        inv = Invitation.objects.create(
            circle=circle,
            user_id=uid,
            match_round=match_round,
            kind=kind,
            expires_at=expires,
            shared_topics=list(topic_slugs),
            distance_km=km,
            score=float(scores[index]) if scores and index < len(scores) else 0.0,
            email_status=Invitation.EmailStatus.OWED,
        )
        created.append(inv)
        title = (
            f"You're invited to {circle.name}"
            if kind == Invitation.Kind.NEW_CIRCLE
            else f"A seat is open for you in {circle.name}"
        )
        # The invitation email is its own task (signed links); this is the in-app copy.
        notify(
            inv.user,
            Kind.INVITATION,
            title,
            "See why you were matched, and accept or decline before it expires.",
            url=reverse("circles:invitation", args=[inv.pk]),
            email=False,
        )
        transaction.on_commit(lambda pk=inv.pk: send_invitation_email.delay(pk))
    return created


_STATUS_MESSAGES = {
    Invitation.Status.ACCEPTED: "You have already accepted this invitation.",
    Invitation.Status.DECLINED: "You have already declined this invitation.",
    Invitation.Status.EXPIRED: "This invitation has expired.",
    Invitation.Status.WITHDRAWN: "This invitation is no longer open: the circle has changed.",
}


def _check_invitation(inv: Invitation, user) -> None:
    if inv.user_id != user.pk:
        raise CircleError("This invitation is for someone else. Log in as the person invited.")
    if inv.status != Invitation.Status.PENDING:
        raise CircleError(_STATUS_MESSAGES[inv.status])
    if inv.expires_at <= _now():
        raise CircleError("This invitation has expired.")


def _lock_invitation(invitation_id: int) -> tuple[Circle, Invitation]:
    circle_id = (
        Invitation.objects.filter(pk=invitation_id).values_list("circle_id", flat=True).first()
    )
    if circle_id is None:
        raise CircleError("That invitation does not exist.")
    circle = _lock_circle(circle_id)
    inv = Invitation.objects.select_for_update().get(pk=invitation_id)
    return circle, inv


@transaction.atomic
def invitation_accept(user, invitation_id: int, *, volunteer: bool = False) -> Membership:
    """Take the seat offered (row lock + constraints); may activate the circle."""
    circle, inv = _lock_invitation(invitation_id)
    _check_invitation(inv, user)
    _require_agreed(user)
    if is_suspended(user.pk):
        raise CircleError("Your account is suspended, so you can't join a circle right now.")
    if circle.status == Circle.Status.CLOSED:
        raise CircleError("This circle has closed.")
    has_facilitator = Membership.objects.filter(
        circle=circle, status=Membership.Status.ACTIVE, role=Membership.Role.FACILITATOR
    ).exists()
    role = (
        Membership.Role.FACILITATOR if volunteer and not has_facilitator else Membership.Role.MEMBER
    )
    membership = _add_member(circle, user, role)
    inv.status = Invitation.Status.ACCEPTED
    inv.responded_at = _now()
    inv.save(update_fields=["status", "responded_at"])
    _after_join(circle, user)
    return membership


@transaction.atomic
def invitation_decline(user, invitation_id: int) -> Invitation:
    """Say no; the seat is offered again by the next round."""
    circle, inv = _lock_invitation(invitation_id)
    _check_invitation(inv, user)
    inv.status = Invitation.Status.DECLINED
    inv.responded_at = _now()
    inv.save(update_fields=["status", "responded_at"])
    if circle.status == Circle.Status.FORMING:
        transaction.on_commit(lambda: check_forming_viability(circle.pk))
    return inv


def invitations_expire(now=None) -> int:
    """Expire pending invitations past their time; dissolve forming circles
    that can no longer start. Returns how many expired."""
    now = now or _now()
    due = list(
        Invitation.objects.filter(
            status=Invitation.Status.PENDING, expires_at__lte=now
        ).values_list("pk", "circle_id")
    )
    circles = set()
    count = 0
    for pk, circle_id in due:
        with transaction.atomic():
            _lock_circle(circle_id)
            n = Invitation.objects.filter(
                pk=pk, status=Invitation.Status.PENDING, expires_at__lte=now
            ).update(status=Invitation.Status.EXPIRED, responded_at=now)
            count += n
        circles.add(circle_id)
    stale_forming = Circle.objects.filter(status=Circle.Status.FORMING).exclude(
        invitations__status=Invitation.Status.PENDING
    )
    circles.update(stale_forming.values_list("pk", flat=True))
    for circle_id in sorted(circles):
        check_forming_viability(circle_id)
    return count


# --- Join requests -------------------------------------------------------------


def open_seats(circle: Circle) -> int:
    return max(0, circle.capacity - circle.member_count - pending_invitation_count(circle.pk))


@transaction.atomic
def join_request_create(user, circle_id: int, note: str = "") -> JoinRequest:
    """Ask to join an open circle with a short note; its facilitators are told."""
    _require_agreed(user)
    circle = _lock_circle(circle_id)
    if circle.status not in (Circle.Status.ACTIVE, Circle.Status.PAUSED):
        raise CircleError("This circle is not taking new members: it has closed or not started.")
    if circle.join_policy != Circle.JoinPolicy.OPEN:
        raise CircleError("This circle is not taking join requests right now.")
    if is_suspended(user.pk):
        raise CircleError("Your account is suspended, so you can't join a circle right now.")
    if Membership.objects.filter(
        circle=circle, user=user, status=Membership.Status.ACTIVE
    ).exists():
        raise CircleError("You are already a member of this circle.")
    if open_seats(circle) <= 0:
        raise CircleError("This circle is full.")
    blocked = blocked_ids(user.pk)
    if _members_in(circle, blocked):
        # Deliberately vague: a block is never revealed.
        raise CircleError("You can't ask to join this circle.")
    if JoinRequest.objects.filter(
        circle=circle, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise CircleError("You have already asked to join this circle.")
    req = JoinRequest.objects.create(circle=circle, user=user, note=(note or "").strip()[:300])
    for m in (
        Membership.objects.filter(
            circle=circle, status=Membership.Status.ACTIVE, role=Membership.Role.FACILITATOR
        )
        .exclude(user_id__in=blocked)
        .select_related("user")
    ):
        notify(
            m.user,
            Kind.JOIN_REQUEST,
            f"{user.display_name} asked to join {circle.name}",
            req.note,
            url=_circle_url(circle),
        )
    return req


def _members_in(circle: Circle, user_ids) -> bool:
    """Whether any active member of ``circle`` is one of ``user_ids``."""
    return bool(user_ids) and (
        Membership.objects.filter(
            circle=circle, status=Membership.Status.ACTIVE, user_id__in=user_ids
        ).exists()
    )


def _lock_request(request_id: int) -> tuple[Circle, JoinRequest]:
    circle_id = (
        JoinRequest.objects.filter(pk=request_id).values_list("circle_id", flat=True).first()
    )
    if circle_id is None:
        raise CircleError("That join request does not exist.")
    circle = _lock_circle(circle_id)
    return circle, JoinRequest.objects.select_for_update().select_related("user").get(pk=request_id)


@transaction.atomic
def join_request_approve(facilitator, request_id: int) -> Membership:
    """A facilitator says yes: the person takes a seat."""
    circle, req = _lock_request(request_id)
    _require_facilitator(facilitator, circle)
    if req.status != JoinRequest.Status.PENDING:
        raise CircleError("This join request has already been answered or withdrawn.")
    if circle.status not in (Circle.Status.ACTIVE, Circle.Status.PAUSED):
        raise CircleError("This circle is not taking new members.")
    if (
        is_suspended(req.user_id)
        or not has_agreed(req.user)
        or _members_in(circle, blocked_ids(req.user_id))
    ):
        # One calm answer for every reason: a block or a suspension is never revealed.
        raise CircleError("This person can't join this circle right now.")
    if open_seats(circle) <= 0:
        raise CircleError("This circle is full.")
    membership = _add_member(circle, req.user)
    req.status = JoinRequest.Status.APPROVED
    req.decided_at = _now()
    req.decided_by = facilitator
    req.save(update_fields=["status", "decided_at", "decided_by"])
    notify(
        req.user,
        Kind.JOIN_REQUEST,
        f"Welcome to {circle.name}",
        "The facilitator approved your request to join.",
        url=_circle_url(circle),
    )
    _after_join(circle, req.user)
    return membership


@transaction.atomic
def join_request_decline(facilitator, request_id: int) -> JoinRequest:
    """A facilitator says no, kindly."""
    circle, req = _lock_request(request_id)
    _require_facilitator(facilitator, circle)
    if req.status != JoinRequest.Status.PENDING:
        raise CircleError("This join request has already been answered or withdrawn.")
    req.status = JoinRequest.Status.DECLINED
    req.decided_at = _now()
    req.decided_by = facilitator
    req.save(update_fields=["status", "decided_at", "decided_by"])
    notify(
        req.user,
        Kind.JOIN_REQUEST,
        f"Your request to join {circle.name}",
        "The facilitator couldn't take you into this circle. Other circles are open, and "
        "matching rounds keep looking for you.",
        url=reverse("circles:browse"),
    )
    return req


@transaction.atomic
def join_request_withdraw(user, request_id: int) -> JoinRequest:
    """The person who asked takes the request back."""
    _circle, req = _lock_request(request_id)
    if req.user_id != user.pk:
        raise CircleError("That join request does not exist.")
    if req.status != JoinRequest.Status.PENDING:
        raise CircleError("This join request has already been answered or withdrawn.")
    req.status = JoinRequest.Status.WITHDRAWN
    req.decided_at = _now()
    req.save(update_fields=["status", "decided_at"])
    return req


@transaction.atomic
def membership_end(membership: Membership, status: str = Membership.Status.LEFT) -> Membership:
    """End an active membership (left or removed): free the seat and close the
    person's open chat sockets for the circle."""
    if status not in (Membership.Status.LEFT, Membership.Status.REMOVED):
        raise ValueError(f"unknown end status {status!r}")
    Circle.objects.select_for_update().get(pk=membership.circle_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.ACTIVE:
        return membership
    _end_membership_locked(membership, status)
    return membership
