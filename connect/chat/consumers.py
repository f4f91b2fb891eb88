"""The circle chat WebSocket: a thin async layer over services and selectors.

Protocol (JSON frames). Connect to ``/ws/chat/<circle>/`` or, after a dropped connection,
``/ws/chat/<circle>/?last_id=<id>``: the socket then first sends, as
``message`` frames marked ``"replayed": true``, exactly the messages after that
id the reader missed (the same filtering as history: nothing from a blocked
pair, nothing deleted or hidden), each once even if it was also broadcast
while being replayed, then ``resumed {last_id, count, complete}``
(``complete`` is false past RESUME_LIMIT messages: page on with ``history``).

Client → server: ``{"action": "send", "body"}``,
``edit {id, body}``, ``delete {id}``, ``report {id, reason, note}``,
``history {after | before}``, ``read {id}``, ``typing``, ``ping``.
Server → client: ``ready``, ``message``, ``message_updated``, ``history``,
``presence``, ``typing``, ``ack``, ``crisis``, ``reported``, ``resumed``,
``access {muted, warning_pending, message, url}`` (sent when a moderator's
action changes what the reader may do), ``error``.

A refused frame gets an ``error`` frame and the socket stays open; a frame
that is malformed in any way (wrong types, ids beyond bigint, JSON nested too
deeply) gets an ``error`` frame too, never a crash. Access is checked on
connect and again before every write, by ``permissions``: a muted member may read and gets
``error`` frames with code "muted" for writes; a member with an unread
moderators' warning may read and report but gets "warning_pending" (with the
warning's ``url``) for writes; someone no longer a member, suspended, or
without the 18+ and guidelines agreements is closed with the codes in
``realtime``. A block added or lifted reaches open sockets at once.

Messages sent, edited or deleted reach the circle's sockets from the services
that saved them (on commit), not from here; this consumer only answers its
own client (``ack``, ``crisis``, ``error``) and relays typing and presence.
"""

import asyncio
import functools
import json
import logging
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from connect.safety.selectors import blocked_ids

from . import permissions, presence, realtime, selectors, services
from .payloads import message_payload

# Database work runs in a small thread pool instead of daphne's one shared
# thread, so a busy circle's writes don't queue behind every other socket's.
# Each socket still handles its own frames one at a time, in order.
db = functools.partial(database_sync_to_async, thread_sensitive=False)

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024
HISTORY_LIMIT = selectors.PAGE_SIZE
RESUME_PAGE = 200
RESUME_LIMIT = 1000  # messages replayed on reconnect; beyond, the client pages history
# The Redis pub/sub channel layer drops what is published while its connection
# is down and reconnects without telling the consumer, so an open socket could
# miss messages for good. Every GAP_CHECK_SECONDS each socket asks the
# database for messages it should have had (saved at least GAP_SETTLE_SECONDS
# ago, so one still on its way is not sent twice) and sends them as replays.
GAP_CHECK_SECONDS = 10.0
GAP_SETTLE_SECONDS = 2.0
SENT_KEPT = 500  # message ids a socket remembers having sent (see ChatConsumer.sent)

# Channel-layer events whose handlers write no words of their own: they skip
# switching the language (a measurable share of the event loop at chat volume).
_SILENT_EVENTS = frozenset({"chat.message", "chat.typing", "chat.presence"})

_CLOSE_FOR = {
    selectors.ANONYMOUS: realtime.CLOSE_NOT_AUTHENTICATED,
    selectors.NOT_MEMBER: realtime.CLOSE_NOT_A_MEMBER,
    selectors.SUSPENDED: realtime.CLOSE_SUSPENDED,
    selectors.NOT_AGREED: realtime.CLOSE_NOT_AGREED,
}


@db
def _missed(user, circle_id, after):
    messages, has_more = selectors.messages_since(user, circle_id, after, limit=RESUME_PAGE)
    return [message_payload(m) for m in messages], has_more


@db
def _settled_ids(circle_id, after, settled_before, hidden_ids):
    return selectors.settled_message_ids(
        circle_id, after, hidden_ids=hidden_ids, settled_before=settled_before, limit=RESUME_PAGE
    )


@db
def _shown(user, circle_id, ids):
    return [message_payload(m) for m in selectors.shown_messages(user, circle_id, ids)]


@db
def _latest_id(circle_id) -> int:
    return selectors.latest_message_id(circle_id)


def _resume_from(scope) -> int | None:
    """The ``last_id`` of the connect URL's query string: None when absent,
    else a whole number 0..MAX_ID (else ChatError)."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("last_id")
    if not values:
        return None
    text = values[-1].strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        raise permissions.ChatError("invalid", gettext("last_id must be a message id."))
    return _int_or_none(int(text))


@db
def _history(user, circle_id, after, before):
    messages, has_more = selectors.message_page(
        user, circle_id, after=after, before=before, limit=HISTORY_LIMIT
    )
    return [message_payload(m) for m in messages], has_more


def _int_or_none(value):
    """A cursor or read marker: None, or a whole number 0..MAX_ID (else ChatError)."""
    if value is None:
        return None
    return permissions.clean_id(value, minimum=0)


def _client_id(frame) -> dict:
    """The client's own tag for a frame, echoed back only when it is a short
    string or a whole number (never an arbitrary structure)."""
    value = frame.get("client_id")
    if (
        isinstance(value, str)
        and len(value) <= 100
        or (isinstance(value, int) and not isinstance(value, bool))
    ):
        return {"client_id": value}
    return {}


def _socket_language(scope) -> str:
    """The language of the page that opened the socket: its language cookie
    (which follows a logged-in person's saved choice), else the browser's
    Accept-Language, else the site's default, as LocaleMiddleware decides."""
    headers = dict(scope.get("headers") or [])
    request = SimpleNamespace(
        COOKIES=scope.get("cookies") or {},
        META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")},
    )
    return translation.get_language_from_request(request)  # type: ignore[arg-type]


class ChatConsumer(AsyncWebsocketConsumer):
    async def dispatch(self, message):
        # Channels' own dispatch first hops to its one shared thread to close
        # stale database connections, for every event: five times per message
        # in a circle of five, and every socket of the process queues for that
        # one thread. This consumer touches the database only through ``db``,
        # which closes stale connections around each call itself, so events go
        # straight to their handler.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        if message["type"] in _SILENT_EVENTS:
            await handler(message)
            return
        # Every frame's words (errors, refusals) in the reader's language.
        if not hasattr(self, "language"):
            self.language = _socket_language(self.scope)
        with translation.override(self.language):
            await handler(message)

    async def connect(self):
        self.user = self.scope.get("user")
        self.circle_id = int(self.scope["url_route"]["kwargs"]["circle_id"])
        self.joined = False
        # Ids of the messages this socket has been sent, whichever way (broadcast,
        # resume replay or gap check): a message can come both ways, in either
        # order, and is drawn once.
        self.sent: set[int] = set()
        # The gap check reads messages newer than this: the newest id it has
        # read itself (or the newest at connect). A broadcast never moves it, so
        # a message the layer dropped is still read after a newer one came.
        self.gap_floor = 0
        self.gap_watch = None
        try:
            access = await db(permissions.access_circle_chat)(
                self.user, self.circle_id, to_post=False
            )
        except permissions.ChatError as error:
            # Accept-then-close so the browser sees our code (a refused
            # handshake only ever shows 1006).
            await self.accept()
            if error.code == selectors.NOT_AGREED:
                await self.send_error(error.code, error.text, **error.extra)
            await self.close(code=_CLOSE_FOR[error.code])
            return
        self.group = realtime.circle_group(self.circle_id)
        self.blocked = await db(blocked_ids)(self.user.pk)
        self.display_name = await db(lambda: self.user.display_name)()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(realtime.user_group(self.user.pk), self.channel_name)
        self.joined = True
        self.reading = True
        # Read after joining the groups: a later message comes by broadcast or,
        # if the layer drops it, by the gap check, which reads from here on.
        self.gap_floor = await _latest_id(self.circle_id)
        await self.accept()
        await db(presence.mark_online)(self.circle_id, self.user.pk, self.channel_name)
        await self.send_json(
            {
                "type": "ready",
                "user_id": self.user.pk,
                "muted": access == selectors.MUTED,
                "warning_pending": access == selectors.WARNING_PENDING,
                "last_read_id": await db(selectors.last_read_id)(self.user, self.circle_id),
            }
        )
        try:
            resume_from = _resume_from(self.scope)
        except permissions.ChatError as error:
            await self.send_error(error.code, error.text)
            resume_from = None
        if resume_from is not None:
            await self._resume(resume_from)
        self.gap_watch = asyncio.ensure_future(self._watch_for_gaps())
        await self._broadcast_presence()

    async def _watch_for_gaps(self):
        """Send what the channel layer lost (see GAP_CHECK_SECONDS)."""
        while True:
            await asyncio.sleep(GAP_CHECK_SECONDS)
            try:
                await self._send_gaps(timezone.now() - timedelta(seconds=GAP_SETTLE_SECONDS))
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away for a moment: try at the next check
                logger.warning("chat gap check failed", exc_info=True)

    async def _send_gaps(self, settled_before):
        # Ids first: nearly always every one came by broadcast, and reading
        # only ids keeps each socket's check to one index scan (full rows for
        # every socket's every check were as much database work as the
        # messages themselves in bench/chat.py). The reader's block list is
        # the one its broadcasts are filtered by.
        has_more = True
        while has_more:
            ids, has_more = await _settled_ids(
                self.circle_id, self.gap_floor, settled_before, self.blocked
            )
            missing = [i for i in ids if i not in self.sent]
            for message in await _shown(self.user, self.circle_id, missing) if missing else []:
                if message["id"] in self.sent:
                    continue  # it came by broadcast while this check read
                self._mark_sent(message["id"])
                await self.send_json({"type": "message", "message": message, "replayed": True})
            if ids:
                self.gap_floor = max(self.gap_floor, ids[-1])

    async def _resume(self, after: int):
        """Replay what was missed since ``after``. The socket joined its groups
        before the first read, so a message committed later arrives by
        broadcast; one also broadcast while being replayed is dropped from the
        broadcast (``self.sent``). Events queue until ``connect`` returns."""
        count, complete = 0, True
        while True:
            messages, has_more = await _missed(self.user, self.circle_id, after)
            for message in messages:
                self._mark_sent(message["id"])
                self.gap_floor = max(self.gap_floor, message["id"])
                await self.send_json({"type": "message", "message": message, "replayed": True})
            count += len(messages)
            if messages:
                after = messages[-1]["id"]
            if not has_more:
                break
            if count >= RESUME_LIMIT:
                complete = False
                break
        await self.send_json(
            {"type": "resumed", "last_id": after, "count": count, "complete": complete}
        )

    def _mark_sent(self, message_id: int) -> None:
        self.sent.add(message_id)
        if len(self.sent) > SENT_KEPT * 2:
            # A message comes twice within seconds of itself; the newest ids are enough.
            self.sent = set(sorted(self.sent)[-SENT_KEPT:])

    async def disconnect(self, code):
        if getattr(self, "gap_watch", None) is not None:
            self.gap_watch.cancel()
        if not getattr(self, "joined", False):
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.channel_layer.group_discard(realtime.user_group(self.user.pk), self.channel_name)
        await db(presence.mark_offline)(self.circle_id, self.user.pk, self.channel_name)
        await self._broadcast_presence()

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code: str, text: str, **extra):
        await self.send_json({"type": "error", "code": code, "message": text, **extra})

    # --- frames from the client -------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        if not getattr(self, "reading", False):
            return  # refused or being closed by us: nothing more is read
        raw = text_data if text_data is not None else bytes_data
        if raw is None or len(raw if isinstance(raw, bytes) else raw.encode()) > MAX_FRAME_BYTES:
            await self.send_error(
                "too_large",
                gettext("Frames can be at most %(bytes)s bytes.") % {"bytes": MAX_FRAME_BYTES},
            )
            return
        if bytes_data is not None:
            await self.send_error("malformed", gettext("Send JSON text frames."))
            return
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            await self.send_error("malformed", gettext("That frame is not JSON we can read."))
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("action"), str):
            await self.send_error(
                "malformed", gettext('A frame is a JSON object with an "action".')
            )
            return
        handler = getattr(self, f"do_{frame['action']}", None)
        if handler is None:
            await self.send_error(
                "unknown_action",
                gettext("Unknown action %(action)s.") % {"action": repr(frame["action"][:40])},
            )
            return
        try:
            await handler(frame)
        except permissions.ChatError as error:
            await self._refused(error, frame)
        except Exception:
            # Last resort: a bug must not take the reader's socket down (1011).
            logger.exception("chat frame %r failed", frame["action"][:40])
            await self.send_error(
                "server_error",
                gettext("Something went wrong with that. Please try again."),
                **_client_id(frame),
            )

    async def _refused(self, error, frame):
        # Lost access since connecting: close; muted: say so and stay open.
        if error.code in _CLOSE_FOR:
            code = _CLOSE_FOR[error.code]
            if error.code == selectors.NOT_MEMBER:
                code = realtime.CLOSE_MEMBERSHIP_ENDED
            await self.send_error(error.code, error.text, **error.extra)
            self.reading = False
            await self.close(code=code)
            return
        await self.send_error(error.code, error.text, **error.extra, **_client_id(frame))

    async def do_ping(self, frame):
        await db(presence.mark_online)(self.circle_id, self.user.pk, self.channel_name)
        # Blocks made since connecting take effect at the next heartbeat.
        self.blocked = await db(blocked_ids)(self.user.pk)
        await self.send_json({"type": "pong"})

    async def do_send(self, frame):
        posted = await db(services.message_post)(self.user, self.circle_id, frame.get("body"))
        await self.send_json({"type": "ack", "id": posted.message.pk, **_client_id(frame)})
        if posted.crisis:
            # Only the link: the words are the page's own card (chat/_crisis.html,
            # in the reader's language), which the script shows.
            await self.send_json({"type": "crisis", "url": reverse("crisis")})

    async def do_edit(self, frame):
        await db(services.message_edit)(
            self.user, self.circle_id, frame.get("id"), frame.get("body")
        )

    async def do_delete(self, frame):
        await db(services.message_delete)(self.user, self.circle_id, frame.get("id"))

    async def do_report(self, frame):
        report = await db(services.message_report)(
            self.user,
            self.circle_id,
            frame.get("id"),
            frame.get("reason", "other"),
            frame.get("note", ""),
        )
        await self.send_json({"type": "reported", "id": report.target_id})

    async def do_history(self, frame):
        after = _int_or_none(frame.get("after"))
        before = _int_or_none(frame.get("before"))
        await db(permissions.access_circle_chat)(self.user, self.circle_id, to_post=False)
        messages, has_more = await _history(self.user, self.circle_id, after, before)
        await self.send_json(
            {
                "type": "history",
                "after": after,
                "before": before,
                "has_more": has_more,
                "messages": messages,
            }
        )

    async def do_read(self, frame):
        await db(services.read_marker_move)(
            self.user, self.circle_id, _int_or_none(frame.get("id"))
        )

    async def do_typing(self, frame):
        # Throttled first, so the access check runs at most once per few seconds;
        # muted people and those with an unread warning are silently not announced.
        if await db(services.typing_may_announce)(self.user.pk, self.circle_id) and (
            await db(selectors.chat_access)(self.user, self.circle_id) == selectors.OK
        ):
            await self.channel_layer.group_send(
                self.group,
                {"type": "chat.typing", "user_id": self.user.pk, "name": self.display_name},
            )

    # --- events from the channel layer -------------------------------------
    async def chat_message(self, event):
        message = event["message"]
        if message["author_id"] in self.blocked:
            return  # a blocked pair never sees each other's words
        if event["kind"] == "message":
            if message["id"] in self.sent:
                return  # already sent by the resume replay or the gap check
            self._mark_sent(message["id"])
        text = event.get("text")
        if text is None:
            await self.send_json({"type": event["kind"], "message": message})
        else:
            await self.send(text_data=text)

    async def chat_typing(self, event):
        if event["user_id"] == self.user.pk or event["user_id"] in self.blocked:
            return
        await self.send_json({"type": "typing", "user_id": event["user_id"], "name": event["name"]})

    async def chat_presence(self, event):
        online = [p for p in event["online"] if p["id"] not in self.blocked]
        await self.send_json({"type": "presence", "online": online})

    async def blocks_changed(self, event):
        """A block with this reader was added or lifted: hide (or show again)
        the other person from now on, presence included."""
        self.blocked = await db(blocked_ids)(self.user.pk)
        online = await db(selectors.online_members)(self.circle_id)
        await self.chat_presence({"online": online})

    async def access_changed(self, event):
        """Muted, unmuted, warned or the warning read (``realtime.push_access_changed``)."""
        if event.get("circle_id") not in (None, self.circle_id):
            return
        try:
            access = await db(permissions.access_circle_chat)(
                self.user, self.circle_id, to_post=False
            )
        except permissions.ChatError as error:
            await self._refused(error, {})
            return
        frame = {
            "type": "access",
            "muted": access == selectors.MUTED,
            "warning_pending": access == selectors.WARNING_PENDING,
            "message": "",
            "url": None,
        }
        if access == selectors.MUTED:
            frame["message"] = str(realtime.CLOSE_TEXT[realtime.CLOSE_MUTED])
        elif access == selectors.WARNING_PENDING:
            warning = await db(permissions.warning_error)(self.user.pk)
            frame["message"], frame["url"] = warning.text, warning.extra["url"]
        await self.send_json(frame)

    async def access_revoked(self, event):
        if event.get("circle_id") in (None, self.circle_id):
            self.reading = False
            await self.close(code=event["code"])

    async def _broadcast_presence(self):
        online = await db(selectors.online_members)(self.circle_id)
        await self.channel_layer.group_send(self.group, {"type": "chat.presence", "online": online})
