"""Video rooms: who gets in, for how long, and how someone is put out.

- ``video_pass_issue``: a current, agreed, non-suspended member of the circle
  opening a virtual meetup's room during its window gets a pass: a random token
  added to Janus's core (``add_token``, VideoRoom only) and to the room's
  ``allowed`` list. The room is created on Janus on first use, with a secret,
  private, never recorded. A forwarded link carries nothing: the token is
  issued to the logged-in member by the page.
- ``video_member_revoke``: a membership ended or a suspension started: the
  person's live passes are revoked in the database, their tokens leave Janus,
  and every session in the room attached with a token that is no longer live
  is kicked and destroyed (``room_enforce``).
- ``video_rooms_close``: 30 minutes after the end, the room and its tokens go.
- ``video_participant_mute``: the moderation service's "mute in the video
  room" (audited there) mutes the person's microphone on Janus.

A pass is issued under the occurrence's and the room's row locks, so two tabs
never make two passes; Janus is asked inside that transaction (each admin
request times out after 5 s) and a failure leaves nothing behind but a token
that opens nothing on its own. Revocation writes the database first and then
asks Janus. Every Janus call is idempotent, so a retried task does no harm.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from connect.meetups.permissions import access_occurrence
from connect.meetups.selectors import has_video_room, video_room_window

from . import janus
from .models import VideoPass, VideoRoom

log = logging.getLogger(__name__)

MAX_PARTICIPANTS = 8


class VideoError(Exception):
    """The room can't be joined now; the message is shown to the person."""


@dataclass
class JoinConfig:
    """What the room page's script needs (through ``json_script``)."""

    server: str
    token: str
    room: int
    participant_id: int
    display: str
    ice_servers: list[dict[str, Any]]
    closes_at: str
    max_participants: int

    def as_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "token": self.token,
            "room": self.room,
            "id": self.participant_id,
            "display": self.display,
            "iceServers": self.ice_servers,
            "closesAt": self.closes_at,
            "maxParticipants": self.max_participants,
        }


def turn_credentials(user_id: int, expires_at: datetime) -> list[dict[str, Any]]:
    """coturn's shared-secret (``use-auth-secret``) credentials, valid until the room closes."""
    if not (settings.TURN_HOST and settings.TURN_SECRET):
        return []
    username = f"{int(expires_at.timestamp())}:connect-{user_id}"
    digest = hmac.new(settings.TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()
    # "host" (port 3478, coturn's default) or "host:port".
    host = settings.TURN_HOST if ":" in settings.TURN_HOST else f"{settings.TURN_HOST}:3478"
    return [
        {"urls": [f"stun:{host}"]},
        {
            "urls": [f"turn:{host}?transport=udp", f"turn:{host}?transport=tcp"],
            "username": username,
            "credential": base64.b64encode(digest).decode(),
        },
    ]


def _ensure_on_janus(room: VideoRoom, server: janus.Server) -> None:
    """Create the room on Janus if it is not there (first join, or Janus restarted)."""
    if server.room_exists(room.janus_room):
        return
    live = list(
        VideoPass.objects.filter(room=room, revoked_at__isnull=True).values_list("token", flat=True)
    )
    for token in live:
        server.token_add(token)
    try:
        server.room_create(
            room.janus_room,
            secret=room.secret,
            description=f"Connect meetup {room.occurrence_id}",
            publishers=MAX_PARTICIPANTS,
            allowed=live,
        )
    except janus.JanusError as error:
        if isinstance(error, janus.JanusUnavailable) or error.code != ROOM_EXISTS:
            raise


ROOM_EXISTS = 427


NO_ROOM = _("This meetup has no video room.")
ROOM_CLOSED = _("This meetup's room has closed.")


def room_problem(occurrence, now: datetime) -> str:
    """Why the meetup's room can't be entered now ("" when it can): the one
    rule the room page and ``video_pass_issue`` both ask."""
    if not has_video_room(occurrence):
        return str(NO_ROOM)
    opens_at, closes_at = video_room_window(occurrence)
    if now < opens_at:
        return gettext("The room opens 10 minutes before the meetup. Come back then.")
    if now >= closes_at:
        return str(ROOM_CLOSED)
    return ""


def video_pass_issue(user, occurrence_id) -> JoinConfig:
    """A pass to the meetup's room for ``user``, or AccessDenied / VideoError.

    AccessDenied (from the meetups' access helpers): not agreed, suspended, not
    a current member. VideoError: not a video meetup, outside the window, the
    room is full, or Janus can't be reached.
    """
    now = timezone.now()
    with transaction.atomic():
        occurrence, _membership = access_occurrence(user, occurrence_id, acting=True, lock=True)
        problem = room_problem(occurrence, now)
        if problem:
            raise VideoError(problem)
        opens_at, closes_at = video_room_window(occurrence)
        room, _ = VideoRoom.objects.select_for_update().get_or_create(
            occurrence=occurrence,
            defaults={
                "janus_room": occurrence.pk,
                "secret": secrets.token_urlsafe(32),
                "opens_at": opens_at,
                "closes_at": closes_at,
            },
        )
        if room.closed_at is not None:
            raise VideoError(str(ROOM_CLOSED))
        server = janus.server_for(room.janus_room)
        try:
            _ensure_on_janus(room, server)
            video_pass = VideoPass.objects.filter(
                room=room, user=user, revoked_at__isnull=True
            ).first()
            if video_pass is None:
                live = VideoPass.objects.filter(room=room, revoked_at__isnull=True).count()
                if live >= MAX_PARTICIPANTS:
                    raise VideoError(
                        gettext("This room is full (%(count)s people).")
                        % {"count": MAX_PARTICIPANTS}
                    )
                video_pass = VideoPass.objects.create(
                    room=room,
                    user=user,
                    token=secrets.token_urlsafe(32),
                    participant_id=secrets.randbelow(2**52) + 1,
                    expires_at=room.closes_at,
                )
            server.token_add(video_pass.token)
            server.room_allow(
                room.janus_room, secret=room.secret, action="add", tokens=[video_pass.token]
            )
        except janus.JanusError as error:
            log.warning("Janus refused or is unreachable for room %s: %s", room.pk, error)
            raise VideoError(
                gettext("The video room can't be reached right now. Please try again in a minute.")
            ) from error
    return JoinConfig(
        server=server.url,
        token=video_pass.token,
        room=room.janus_room,
        participant_id=video_pass.participant_id,
        display=user.display_name,
        ice_servers=turn_credentials(user.pk, room.closes_at),
        closes_at=room.closes_at.isoformat(),
        max_participants=MAX_PARTICIPANTS,
    )


def room_enforce(room: VideoRoom) -> int:
    """Put out of the room on Janus every session attached with a token that is
    not a live pass of this room (revoked, expired, or never one): kick its
    publisher and destroy the session. Returns how many sessions were ended."""
    server = janus.server_for(room.janus_room)
    live = set(
        VideoPass.objects.filter(room=room, revoked_at__isnull=True).values_list("token", flat=True)
    )
    handles = server.room_handles(room.janus_room)
    ended: set[int] = set()
    for handle in handles:
        if handle["token"] in live:
            continue
        if handle["type"] == "publisher" and handle["id"]:
            server.room_kick(room.janus_room, secret=room.secret, participant=int(handle["id"]))
        ended.add(handle["session"])
    for session in ended:
        server.session_destroy(session)
    return len(ended)


def video_member_revoke(user_id: int, circle_id: int | None = None) -> int:
    """End ``user_id``'s live passes (to the circle's rooms, or all of them):
    tokens out of Janus, and out of the room within moments. Returns the count."""
    with transaction.atomic():
        passes = VideoPass.objects.select_for_update().filter(
            user_id=user_id, revoked_at__isnull=True
        )
        if circle_id is not None:
            passes = passes.filter(room__occurrence__circle_id=circle_id)
        revoked = list(passes.select_related("room"))
        VideoPass.objects.filter(pk__in=[p.pk for p in revoked]).update(revoked_at=timezone.now())
    for video_pass in revoked:
        _tokens_out(video_pass.room, [video_pass.token])
    for room in {p.room_id: p.room for p in revoked}.values():
        if room.closed_at is None:
            room_enforce(room)
    return len(revoked)


def video_passes_erase(user) -> list[tuple[int, str]]:
    """Delete all of ``user``'s passes (account deletion); return the live ones
    as (room id, token) for ``video_tokens_revoke`` once the deletion commits."""
    passes = VideoPass.objects.filter(user=user)
    live = list(
        passes.filter(revoked_at__isnull=True, room__closed_at__isnull=True).values_list(
            "room_id", "token"
        )
    )
    passes.delete()
    return live


def video_tokens_revoke(pairs: list[tuple[int, str]]) -> None:
    """Take these (room id, token) out of Janus and enforce their rooms."""
    rooms = VideoRoom.objects.in_bulk({room_id for room_id, _ in pairs})
    for room_id, token in pairs:
        if room_id in rooms:
            _tokens_out(rooms[room_id], [token])
    for room in rooms.values():
        if room.closed_at is None:
            room_enforce(room)


def _tokens_out(room: VideoRoom, tokens: list[str]) -> None:
    server = janus.server_for(room.janus_room)
    for token in tokens:
        server.token_remove(token)
    if room.closed_at is None and tokens:
        try:
            server.room_allow(room.janus_room, secret=room.secret, action="remove", tokens=tokens)
        except janus.JanusError as error:
            if isinstance(error, janus.JanusUnavailable) or error.code != janus.NO_SUCH_ROOM:
                raise


def video_rooms_close(now: datetime | None = None) -> int:
    """Destroy the rooms whose window has ended, and their tokens."""
    now = now or timezone.now()
    closed = 0
    for room_id in VideoRoom.objects.filter(closed_at__isnull=True, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            room = VideoRoom.objects.select_for_update().filter(pk=room_id).first()
            if room is None or room.closed_at is not None:
                continue
            tokens = list(
                room.passes.filter(revoked_at__isnull=True).values_list("token", flat=True)
            )
            server = janus.server_for(room.janus_room)
            server.room_destroy(room.janus_room, secret=room.secret)
            for token in tokens:
                server.token_remove(token)
            room.passes.filter(revoked_at__isnull=True).update(revoked_at=now)
            room.closed_at = now
            room.save(update_fields=["closed_at"])
            closed += 1
    return closed


def video_participant_mute(user_id: int, circle_id: int) -> int:
    """Mute ``user_id``'s microphone in the circle's open rooms (they cannot
    unmute it themselves while in the room). Called by the moderation service,
    which checks who may do it and audits it. Returns the streams muted."""
    muted = 0
    passes = VideoPass.objects.filter(
        user_id=user_id,
        revoked_at__isnull=True,
        room__closed_at__isnull=True,
        room__occurrence__circle_id=circle_id,
    ).select_related("room")
    for video_pass in passes:
        room = video_pass.room
        server = janus.server_for(room.janus_room)
        for handle in server.room_handles(room.janus_room):
            if handle["token"] != video_pass.token or handle["type"] != "publisher":
                continue
            for mid in handle["audio_mids"]:
                server.room_mute(
                    room.janus_room, secret=room.secret, participant=int(handle["id"]), mid=mid
                )
                muted += 1
    return muted
