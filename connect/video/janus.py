"""A small client for Janus's admin API, the only way the site talks to Janus.

Everything goes through the admin API with the admin secret: tokens are added
and removed (``add_token`` / ``remove_token``, the core's token
authentication), and VideoRoom requests are sent with ``message_plugin``
(create, ``allowed``, ``kick``, ``moderate``, ``listparticipants``, destroy),
so the site never holds a public-API session of its own. No media ever passes
through Django.

Several Janus servers: ``JANUS_URL``/``JANUS_ADMIN_URL`` take comma-separated
lists (same order, one admin secret); ``server_for(room_id)`` picks a room's
server by rendezvous hashing, so the mapping is stable and adding a server
moves only the rooms that now hash to it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

VIDEOROOM = "janus.plugin.videoroom"
TIMEOUT = 5.0  # seconds for one admin API request


class JanusError(Exception):
    """Janus answered with an error (``code`` is Janus's or the plugin's)."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class JanusUnavailable(JanusError):
    """Janus did not answer: a transient failure worth retrying."""


@dataclass(frozen=True)
class Server:
    url: str
    admin_url: str
    admin_secret: str

    def admin(self, kind: str, /, **fields: Any) -> dict[str, Any]:
        """One admin API request; the answer, or JanusError/JanusUnavailable."""
        body = {
            "janus": kind,
            "transaction": secrets.token_hex(8),
            "admin_secret": self.admin_secret,
            **fields,
        }
        http = urllib.request.Request(  # noqa: S310 (the configured admin URL)
            self.admin_url,
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(http, timeout=TIMEOUT) as response:  # noqa: S310
                answer: dict[str, Any] = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise JanusUnavailable(f"Janus admin API did not answer: {error}") from error
        if answer.get("janus") == "error":
            error_body = answer.get("error", {})
            raise JanusError(str(error_body.get("reason", "error")), error_body.get("code"))
        return answer

    def videoroom(self, **request: Any) -> dict[str, Any]:
        """A synchronous VideoRoom request; its ``response`` data, or JanusError."""
        answer = self.admin("message_plugin", plugin=VIDEOROOM, **{"request": request})
        data: dict[str, Any] = answer.get("response", {})
        if data.get("videoroom") == "event" and "error" in data:
            raise JanusError(str(data["error"]), data.get("error_code"))
        return data

    # --- tokens (core token authentication) ---------------------------------------

    def token_add(self, token: str) -> None:
        self.admin("add_token", token=token, plugins=[VIDEOROOM])

    def token_remove(self, token: str) -> None:
        try:
            self.admin("remove_token", token=token)
        except JanusUnavailable:
            raise
        except JanusError:
            pass  # already gone: removing is idempotent

    def tokens(self) -> list[str]:
        answer = self.admin("list_tokens")
        return [item["token"] for item in answer.get("data", {}).get("tokens", [])]

    # --- rooms ----------------------------------------------------------------------

    def room_exists(self, room: int) -> bool:
        return bool(self.videoroom(request="exists", room=room).get("exists"))

    def room_create(
        self, room: int, *, secret: str, description: str, publishers: int, allowed: list[str]
    ) -> None:
        self.videoroom(
            request="create",
            room=room,
            admin_key=self.admin_secret,
            secret=secret,
            description=description,
            is_private=True,
            publishers=publishers,
            allowed=allowed,
            record=False,
            lock_record=True,
            permanent=False,
            audiocodec="opus",
            videocodec="vp8",
            bitrate=384000,
            notify_joining=True,
        )

    def room_destroy(self, room: int, *, secret: str) -> None:
        try:
            self.videoroom(request="destroy", room=room, secret=secret, permanent=False)
        except JanusError as error:
            if isinstance(error, JanusUnavailable) or error.code != NO_SUCH_ROOM:
                raise

    def room_allow(self, room: int, *, secret: str, action: str, tokens: list[str]) -> None:
        """``action``: "add" or "remove" tokens from the room's allowed list."""
        self.videoroom(request="allowed", room=room, secret=secret, action=action, allowed=tokens)

    def room_participants(self, room: int) -> list[dict[str, Any]]:
        answer = self.videoroom(request="listparticipants", room=room)
        participants: list[dict[str, Any]] = answer.get("participants", [])
        return participants

    def room_kick(self, room: int, *, secret: str, participant: int) -> None:
        try:
            self.videoroom(request="kick", room=room, secret=secret, id=participant)
        except JanusError as error:
            if isinstance(error, JanusUnavailable) or error.code not in (
                NO_SUCH_ROOM,
                NO_SUCH_FEED,
            ):
                raise

    def room_mute(self, room: int, *, secret: str, participant: int, mid: str) -> None:
        self.videoroom(
            request="moderate", room=room, secret=secret, id=participant, mid=mid, mute=True
        )

    # --- sessions, through the admin API ----------------------------------------------

    def room_handles(self, room: int) -> list[dict[str, Any]]:
        """Every VideoRoom handle in ``room``, read through the admin API: its
        session, the token it was attached with, publisher or subscriber, the
        publisher id and its audio mids. The token is what ties a handle to a
        member's pass, whatever id or name the browser chose."""
        found: list[dict[str, Any]] = []
        for session in self.admin("list_sessions").get("sessions", []):
            try:
                handles = self.admin("list_handles", session_id=session).get("handles", [])
            except JanusUnavailable:
                raise
            except JanusError:
                continue  # the session ended meanwhile
            for handle in handles:
                try:
                    info = self.admin("handle_info", session_id=session, handle_id=handle)
                except JanusUnavailable:
                    raise
                except JanusError:
                    continue
                data = info.get("info", {})
                specific = data.get("plugin_specific", {})
                if data.get("plugin") != VIDEOROOM or specific.get("room") != room:
                    continue
                streams = specific.get("streams", [])
                found.append(
                    {
                        "session": session,
                        "handle": handle,
                        "token": data.get("token"),
                        "type": specific.get("type"),
                        "id": specific.get("id"),
                        "audio_mids": [str(s["mid"]) for s in streams if s.get("type") == "audio"],
                    }
                )
        return found

    def session_destroy(self, session: int) -> None:
        try:
            self.admin("destroy_session", session_id=session)
        except JanusUnavailable:
            raise
        except JanusError:
            pass  # already gone


NO_SUCH_ROOM = 426
NO_SUCH_FEED = 428
NOT_ALLOWED = 433  # the VideoRoom's "unauthorized" (token not in the room's allowed list)
UNAUTHORIZED = 403  # the core's "wrong or missing token"


def servers() -> list[Server]:
    urls = [u.strip() for u in settings.JANUS_URL.split(",") if u.strip()]
    admin_urls = [u.strip() for u in settings.JANUS_ADMIN_URL.split(",") if u.strip()]
    if len(urls) != len(admin_urls):
        raise ValueError("JANUS_URL and JANUS_ADMIN_URL must list the same number of servers.")
    return [
        Server(u, a, settings.JANUS_ADMIN_SECRET) for u, a in zip(urls, admin_urls, strict=True)
    ]


def server_for(room_id: int) -> Server:
    """The room's server: rendezvous (highest random weight) hashing over the
    configured servers, so a room always lands on the same one."""
    candidates = servers()
    if not candidates:
        raise JanusUnavailable("No Janus server is configured (JANUS_URL).")

    def weight(server: Server) -> bytes:
        return hashlib.sha256(f"{server.url}|{room_id}".encode()).digest()

    return max(candidates, key=weight)
