"""Chat's answers to other apps' signals."""

from typing import Any

from django.dispatch import receiver

from connect.circles.signals import membership_ended

from .realtime import CLOSE_MEMBERSHIP_ENDED, close_user_sockets


@receiver(membership_ended, dispatch_uid="chat.close_sockets_when_membership_ends")
def close_sockets_when_membership_ends(
    sender: Any, *, user_id: int, circle_id: int, **kwargs: Any
) -> None:
    """The person's open chat sockets for the circle close at once."""
    close_user_sockets(user_id, CLOSE_MEMBERSHIP_ENDED, circle_id)
