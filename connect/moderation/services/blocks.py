"""After a block: the circles both people share, and leaving one to be rematched."""

from django.utils.translation import gettext

from connect.circles.models import Circle, Membership, MembershipEndReason
from connect.circles.selectors import active_membership
from connect.circles.services.lifecycle import membership_end

from .common import ModerationError


def shared_circles(user, other_id: int):
    """Circles both people are active members of now."""
    mine = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values("circle_id")
    return Circle.objects.filter(
        pk__in=mine,
        memberships__user_id=other_id,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name")


def membership_end_and_rematch(user, circle_id: int) -> None:
    """Leave the circle (freeing the seat) and wait for the next matching round."""
    membership = active_membership(user, circle_id)
    if membership is None:
        raise ModerationError(gettext("You are not a member of that circle."))
    membership_end(membership, MembershipEndReason.BLOCKED_REMATCH)
