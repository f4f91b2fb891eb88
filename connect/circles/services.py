"""Writes about circles and membership.

Seat counts change only here, under a row lock on the circle, so the
``member_count <= capacity`` constraint and the counts stay true.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from connect.chat.realtime import CLOSE_MEMBERSHIP_ENDED, close_user_sockets

from .models import Circle, Membership


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
    membership.status = status
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    Circle.objects.filter(pk=membership.circle_id).update(member_count=F("member_count") - 1)
    close_user_sockets(membership.user_id, CLOSE_MEMBERSHIP_ENDED, membership.circle_id)
    return membership
