"""Signals the circles app sends; other apps listen without circles knowing them."""

from django.db import transaction
from django.dispatch import Signal

from .models import Membership, MembershipEndReason

# Sent after the transaction that ended a membership commits, with
# ``user_id``, ``circle_id`` and ``reason`` (a ``MembershipEndReason``).
membership_ended = Signal()


def membership_ended_on_commit(user_id: int, circle_id: int, reason: MembershipEndReason) -> None:
    """Send ``membership_ended`` once the current transaction commits."""
    transaction.on_commit(
        lambda: membership_ended.send(
            sender=Membership, user_id=user_id, circle_id=circle_id, reason=reason
        )
    )
