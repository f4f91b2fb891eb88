"""A circle's life: it starts, pauses below the minimum, loses members and closes.

One function ends a membership, whatever the reason (``membership_end``), and
one closes a circle (``circle_close``). After a membership ends the circle's
rules hold again before the transaction commits:

* the seat is free (``member_count`` equals the active memberships);
* a circle with members has exactly one facilitator: when the facilitator
  goes, the longest-standing member takes over and is told;
* an active circle below ``MIN_CIRCLE_SIZE`` is paused and its members are
  asked "stay open or close?" (it closes only if more than half vote to close);
* a forming circle whose accepted + pending invitations fall below the
  minimum dissolves: its members go back to waiting, first in line;
* a circle left with nobody closes.

Chat hears of every ended membership through ``signals.membership_ended``,
sent on commit.
"""

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from connect.notifications.models import Kind

from ..language import notify_in_language
from ..models import (
    MIN_CIRCLE_SIZE,
    Circle,
    CircleCloseReason,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEndReason,
    StayOpenVote,
)
from ..signals import membership_ended_on_commit
from .common import (
    CircleError,
    circle_url,
    lock_circle,
    notify_members,
    now,
    pending_invitation_count,
)

# Extra waiting rounds for the accepted members of a circle that could not start.
DISSOLVED_PRIORITY_ROUNDS = 3
CANNOT_START = _("Not enough people accepted before the invitations ran out.")


# --- Starting -------------------------------------------------------------------


def activate(circle: Circle) -> None:
    """Forming/paused → active; make sure someone facilitates; tell everyone.
    The caller holds the circle's row lock."""
    was_forming = circle.status == Circle.Status.FORMING
    circle.status = Circle.Status.ACTIVE
    circle.below_minimum_since = None
    if circle.activated_at is None:
        circle.activated_at = now()
    circle.save(update_fields=["status", "activated_at", "below_minimum_since"])
    StayOpenVote.objects.filter(circle=circle).delete()
    active = Membership.objects.filter(circle=circle, status=Membership.Status.ACTIVE)
    if not active.filter(role=Membership.Role.FACILITATOR).exists():
        first = active.order_by("joined_at", "pk").select_related("user").first()
        if first is not None:
            first.role = Membership.Role.FACILITATOR
            first.save(update_fields=["role"])
            notify_in_language(
                first.user,
                Kind.CIRCLE,
                format_lazy(_("Would you facilitate {name}?"), name=circle.name),
                _(
                    "You were the first to accept, so we have asked you to be this circle's "
                    "facilitator: welcome people, schedule meetups and approve join requests. "
                    "If you'd rather not, hand the role to another member on the circle page."
                ),
                url=circle_url(circle),
            )
    if was_forming:
        notify_members(
            circle,
            format_lazy(_("{name} is now active"), name=circle.name),
            _(
                "Enough people have accepted: your circle is starting. Say hello in the chat "
                "and find a time for your first meetup."
            ),
        )
    else:
        notify_members(circle, format_lazy(_("{name} is back to full strength"), name=circle.name))


@transaction.atomic
def circle_activate(circle_id: int) -> Circle:
    """Activate a forming or paused circle that has at least the minimum members."""
    circle = lock_circle(circle_id)
    if circle.status == Circle.Status.ACTIVE:
        return circle
    if circle.status == Circle.Status.CLOSED:
        raise CircleError(gettext("This circle has closed."))
    if circle.member_count < MIN_CIRCLE_SIZE:
        raise CircleError(
            gettext("A circle needs at least %(count)s members to start.")
            % {"count": MIN_CIRCLE_SIZE}
        )
    activate(circle)
    return circle


# --- Ending a membership ---------------------------------------------------------


def _free_seat(circle: Circle, membership: Membership, reason: MembershipEndReason) -> None:
    """End the membership and free its seat; the caller holds both row locks."""
    membership.status = reason.membership_status
    membership.ended_at = now()
    membership.save(update_fields=["status", "ended_at"])
    Circle.objects.filter(pk=circle.pk).update(member_count=F("member_count") - 1)
    circle.member_count -= 1
    if reason == MembershipEndReason.BLOCKED_REMATCH:
        Profile.objects.filter(user_id=membership.user_id).update(is_looking=True, updated_at=now())
    membership_ended_on_commit(membership.user_id, circle.pk, reason)


def _hand_facilitation_over(circle: Circle, reason: MembershipEndReason) -> None:
    """The longest-standing member takes over from a facilitator who is gone."""
    remaining = Membership.objects.filter(circle=circle, status=Membership.Status.ACTIVE)
    if remaining.filter(role=Membership.Role.FACILITATOR).exists():
        return
    nxt = remaining.order_by("joined_at", "pk").select_related("user").first()
    if nxt is None:
        return
    nxt.role = Membership.Role.FACILITATOR
    nxt.save(update_fields=["role"])
    body = (
        _(
            "Your facilitator is no longer in the circle, and you have been in the circle "
            "longest. You can hand the role to another member on the circle page."
        )
        if reason.membership_status == Membership.Status.REMOVED
        else _(
            "Your facilitator left, and you have been in the circle longest. You can hand "
            "the role to another member on the circle page."
        )
    )
    notify_in_language(
        nxt.user,
        Kind.CIRCLE,
        format_lazy(_("Would you facilitate {name}?"), name=circle.name),
        body,
        url=circle_url(circle),
    )


def _pause(circle: Circle) -> None:
    circle.status = Circle.Status.PAUSED
    circle.below_minimum_since = now()
    circle.save(update_fields=["status", "below_minimum_since"])
    StayOpenVote.objects.filter(circle=circle).delete()
    notify_members(
        circle,
        format_lazy(
            _("{name} is below {count} members: stay open or close?"),
            name=circle.name,
            count=MIN_CIRCLE_SIZE,
        ),
        _(
            "Someone left, so the circle is paused. It stays open and the next matching "
            "rounds offer its seats to new people, unless more than half of you vote to "
            "close it. Vote on the circle page."
        ),
    )


def _can_start(circle: Circle) -> bool:
    return circle.member_count + pending_invitation_count(circle.pk) >= MIN_CIRCLE_SIZE


@transaction.atomic
def membership_end(
    membership: Membership, reason: MembershipEndReason | str = MembershipEndReason.LEFT
) -> Membership:
    """End an active membership for ``reason`` and restore the circle's rules
    (see the module's docstring). Ending one that already ended does nothing."""
    reason = MembershipEndReason(reason)
    if reason == MembershipEndReason.CIRCLE_CLOSED:
        raise ValueError("memberships end with their circle through circle_close")
    circle = lock_circle(membership.circle_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.ACTIVE:
        return membership
    _free_seat(circle, membership, reason)
    if circle.status == Circle.Status.FORMING:
        if not _can_start(circle):
            circle_close(circle, CircleCloseReason.DISSOLVED, CANNOT_START)
            return membership
    elif circle.member_count == 0:
        circle_close(circle, CircleCloseReason.EMPTY)
        return membership
    if membership.is_facilitator:
        _hand_facilitation_over(circle, reason)
    if circle.status == Circle.Status.ACTIVE and circle.member_count < MIN_CIRCLE_SIZE:
        _pause(circle)
    return membership


@transaction.atomic
def membership_leave(user, circle_id: int) -> Circle:
    """The person leaves the circle of their own accord."""
    circle = lock_circle(circle_id)
    membership = Membership.objects.filter(
        circle=circle, user=user, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        raise CircleError(gettext("You are not a member of this circle."))
    membership_end(membership, MembershipEndReason.LEFT)
    circle.refresh_from_db()
    return circle


# --- Closing a circle --------------------------------------------------------------


@transaction.atomic
def circle_close(circle: Circle, reason: CircleCloseReason, detail: str | Promise = "") -> Circle:
    """Close the circle: every membership ends (each member is told, with
    ``detail``), pending invitations and join requests are withdrawn. A forming
    circle that could not start (``DISSOLVED``) sends its members back to
    waiting, at the front of the line."""
    circle = lock_circle(circle.pk)
    if circle.status == Circle.Status.CLOSED:
        return circle
    members = list(
        Membership.objects.select_for_update()
        .filter(circle=circle, status=Membership.Status.ACTIVE)
        .select_related("user")
    )
    for m in members:
        _free_seat(circle, m, MembershipEndReason.CIRCLE_CLOSED)
        if reason == CircleCloseReason.DISSOLVED:
            Profile.objects.filter(user_id=m.user_id).update(
                is_looking=True, waiting_rounds=F("waiting_rounds") + DISSOLVED_PRIORITY_ROUNDS
            )
            notify_in_language(
                m.user,
                Kind.CIRCLE,
                format_lazy(_("{name} did not start"), name=circle.name),
                format_lazy(
                    "{} {}",
                    detail or _("Not enough people accepted in time."),
                    _(
                        "You're back on the waiting list, at the front of the line for the "
                        "next matching round."
                    ),
                ),
                url=reverse("circles:mine"),
            )
        else:
            notify_in_language(
                m.user,
                Kind.CIRCLE,
                format_lazy(_("{name} has closed"), name=circle.name),
                detail,
                url="/",
            )
    Invitation.objects.filter(circle=circle, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.WITHDRAWN, responded_at=now()
    )
    JoinRequest.objects.filter(circle=circle, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=now()
    )
    circle.status = Circle.Status.CLOSED
    circle.closed_at = now()
    circle.save(update_fields=["status", "closed_at"])
    return circle


def circle_dissolve_if_unable_to_start(circle_id: int) -> bool:
    """Dissolve a forming circle that can no longer reach the minimum. True if dissolved."""
    with transaction.atomic():
        circle = lock_circle(circle_id)
        if circle.status != Circle.Status.FORMING or _can_start(circle):
            return False
        circle_close(circle, CircleCloseReason.DISSOLVED, CANNOT_START)
    return True


@transaction.atomic
def stay_open_vote(user, circle_id: int, choice: str) -> Circle:
    """A remaining member votes whether a paused circle stays open or closes."""
    circle = lock_circle(circle_id)
    if not Membership.objects.filter(
        circle=circle, user=user, status=Membership.Status.ACTIVE
    ).exists():
        raise CircleError(gettext("You are not a member of this circle."))
    if circle.status != Circle.Status.PAUSED:
        raise CircleError(gettext("There is nothing to vote on: the circle is not paused."))
    if choice not in StayOpenVote.Choice.values:
        raise CircleError(gettext("Choose to stay open or to close."))
    StayOpenVote.objects.update_or_create(circle=circle, user=user, defaults={"choice": choice})
    close_votes = StayOpenVote.objects.filter(
        circle=circle,
        choice=StayOpenVote.Choice.CLOSE,
        user__memberships__circle=circle,
        user__memberships__status=Membership.Status.ACTIVE,
    ).count()
    if close_votes * 2 > circle.member_count:
        circle = circle_close(
            circle,
            CircleCloseReason.VOTED,
            _("Most of the remaining members chose to close the circle."),
        )
    return circle
