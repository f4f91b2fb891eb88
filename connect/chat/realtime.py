"""Channel-layer groups and every event pushed to open chat sockets.

One group per circle for messages, one group per person so that leaving,
removal or suspension can close that person's open sockets at once.

Writes publish their own events: the service that saves a change calls
``send_event_on_commit`` inside its transaction, and the event goes out only
once that transaction commits (never for a write that rolled back). Consumers
and views never broadcast a write themselves; typing and presence, which
change nothing stored, are the consumer's own.
"""

import asyncio
import concurrent.futures
import functools
import json
import logging
import os
from typing import TYPE_CHECKING, Any

import redis
from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Message

logger = logging.getLogger(__name__)

# WebSocket close codes (4000–4999 are the application's own).
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_A_MEMBER = 4403
CLOSE_MEMBERSHIP_ENDED = 4409
CLOSE_SUSPENDED = 4410
CLOSE_NOT_AGREED = 4412  # 18+ not confirmed or the current guidelines not accepted
CLOSE_MUTED = 4423

# What the page says when a socket is closed with one of the codes above; the
# script reads this table from the page and does not reconnect after any of them.
CLOSE_TEXT = {
    CLOSE_NOT_AUTHENTICATED: _("You are no longer in this circle's chat."),
    CLOSE_NOT_A_MEMBER: _("You are no longer in this circle's chat."),
    CLOSE_MEMBERSHIP_ENDED: _("You are no longer in this circle's chat."),
    CLOSE_SUSPENDED: _("Your account is suspended."),
    CLOSE_NOT_AGREED: _(
        "Please confirm you are 18 or over and accept the community guidelines first."
    ),
    CLOSE_MUTED: _("You are muted in this circle for now: you can read but not post."),
}


def circle_group(circle_id: int) -> str:
    return f"circle.{circle_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def socket_path(circle_id: int) -> str:
    """The path of the circle's chat socket, from the WebSocket routes."""
    return reverse("chat_socket", urlconf="connect.chat.routing", args=[circle_id])


@functools.cache
def _layer_redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def live_updates_available() -> bool:
    """Whether the channel layer's Redis answers now. While it does not, the
    chat page says live updates are paused (messages are still saved and
    shown on reload, and sockets catch up from history when they reconnect)."""
    if not settings.REDIS_URL:
        return True  # the in-memory layer of a single development process
    try:
        return bool(_layer_redis(settings.REDIS_URL).ping())
    except redis.RedisError:
        return False


def _serving_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's event loop when this code runs in one of its worker
    threads (a consumer's database call), else None (a Celery task, a WSGI
    view, a management command). asgiref records it for its own AsyncToSync."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _log_failed_send(future: "concurrent.futures.Future[None]") -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("channel layer send failed", exc_info=future.exception())


def _group_send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _serving_loop()
    if loop is not None:
        # Inside the server, hand the send to its event loop and return: waiting
        # for it would hold this database thread until the busy loop got round
        # to the publish (most of a message's time under load, measured by
        # bench/chat.py). Sends from one thread start in the order handed over.
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop)
        future.add_done_callback(_log_failed_send)
        return
    async_to_sync(layer.group_send)(group, event)


def send_event_on_commit(group: str, event: dict[str, Any]) -> None:
    """Send ``event`` to the channel-layer ``group`` once the current
    transaction commits (at once outside one). Nothing is sent if it rolls
    back; a channel layer that is down does not undo the committed write
    (the error is logged and clients catch up from history on reconnect)."""
    transaction.on_commit(lambda: _group_send(group, event), robust=True)


def message_event(message: "Message", kind: str) -> dict[str, Any]:
    """The event for a message's current state: ``kind`` is "message" for a
    new one, "message_updated" for an edit, deletion or hiding."""
    from .payloads import message_payload

    payload = message_payload(message)
    return {
        "type": "chat.message",
        "kind": kind,
        "message": payload,
        # The frame every reader gets, encoded once here instead of once per socket.
        "text": json.dumps({"type": kind, "message": payload}),
    }


def publish_message(message: "Message", kind: str) -> None:
    """After commit, send the message as it is now to the circle's open sockets.
    The payload is built now, inside the writing transaction."""
    send_event_on_commit(circle_group(message.circle_id), message_event(message, kind))


def close_user_sockets(user_id: int, code: int, circle_id: int | None = None) -> None:
    """After the current transaction commits, close the person's chat sockets
    (only those of ``circle_id`` when given) with ``code``."""
    send_event_on_commit(
        user_group(user_id), {"type": "access.revoked", "code": code, "circle_id": circle_id}
    )


def push_access_changed(user_id: int, circle_id: int | None = None) -> None:
    """After commit, tell the person's open chat sockets (only those of
    ``circle_id`` when given) that what they may do changed: muted or unmuted,
    a moderators' warning given or read. Each socket reads its access again
    and tells its reader, so the composer follows at once instead of at the
    next refused send."""
    send_event_on_commit(user_group(user_id), {"type": "access.changed", "circle_id": circle_id})


def push_blocks_changed(user_id: int, other_id: int) -> None:
    """After commit, tell both people's open chat sockets that a block between
    them was added or lifted: each socket re-reads whom to hide and sends its
    reader a fresh presence list, so neither sees the other's messages, typing
    or presence from that moment (no reconnect or heartbeat needed)."""
    for uid in (user_id, other_id):
        send_event_on_commit(user_group(uid), {"type": "blocks.changed"})


def broadcast_message_changed(message_id: int) -> None:
    """After commit, send the message's current state (e.g. hidden by a
    moderator) to everyone with the circle's chat open."""

    def push() -> None:
        from .models import Message

        message = Message.objects.select_related("author__profile").filter(pk=message_id).first()
        if message is not None:
            _group_send(circle_group(message.circle_id), message_event(message, "message_updated"))

    transaction.on_commit(push, robust=True)
