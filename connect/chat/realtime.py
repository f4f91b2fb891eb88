"""Channel-layer groups and the pushes other apps send to open chat sockets.

One group per circle for messages, one group per person so that leaving,
removal or suspension can close that person's open sockets at once.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# WebSocket close codes (4000–4999 are the application's own).
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_A_MEMBER = 4403
CLOSE_MEMBERSHIP_ENDED = 4409
CLOSE_SUSPENDED = 4410
CLOSE_NOT_AGREED = 4412  # 18+ not confirmed or the current guidelines not accepted
CLOSE_MUTED = 4423


def circle_group(circle_id: int) -> str:
    return f"circle.{circle_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def close_user_sockets(user_id: int, code: int, circle_id: int | None = None) -> None:
    """After the current transaction commits, close the person's chat sockets
    (only those of ``circle_id`` when given) with ``code``."""

    def push():
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(
            user_group(user_id),
            {"type": "access.revoked", "code": code, "circle_id": circle_id},
        )

    transaction.on_commit(push)


def push_blocks_changed(user_id: int, other_id: int) -> None:
    """After commit, tell both people's open chat sockets that a block between
    them was added or lifted: each socket re-reads whom to hide and sends its
    reader a fresh presence list, so neither sees the other's messages, typing
    or presence from that moment (no reconnect or heartbeat needed)."""

    def push():
        layer = get_channel_layer()
        if layer is None:
            return
        for uid in (user_id, other_id):
            async_to_sync(layer.group_send)(user_group(uid), {"type": "blocks.changed"})

    transaction.on_commit(push)


def broadcast_message_changed(message_id: int) -> None:
    """After commit, send the message's current state (e.g. hidden by a
    moderator) to everyone with the circle's chat open."""

    def push():
        from .models import Message
        from .payloads import message_payload

        message = Message.objects.select_related("author__profile").filter(pk=message_id).first()
        layer = get_channel_layer()
        if message is None or layer is None:
            return
        async_to_sync(layer.group_send)(
            circle_group(message.circle_id),
            {
                "type": "chat.message",
                "kind": "message_updated",
                "message": message_payload(message),
            },
        )

    transaction.on_commit(push)
