"""One markup for a chat message, on the page and on the live socket.

``chat/_message.html`` draws every message of the page from ``message_item``.
The page also renders that template once more, as a ``<template>`` element,
from ``prototype_item``: placeholder values (``TOKENS``) and every optional
part present, each marked ``data-when="<flag>"``. For a message that arrives
over the socket, chat.js clones the prototype, puts the message's values in
place of the tokens (as text and attribute values, never as HTML) and removes
the parts whose flag is false. The flags mean the same on both sides:

- ``mine``: the reader wrote it; ``theirs``: someone else did (not a former member);
- ``visible`` / ``deleted`` / ``hidden``: its state;
- ``edited``: visible and edited; ``editable``: mine, visible and within the edit window.

Times come out in the reader's own zone (their profile's, given to the script
by the server) in ``TIME_FORMAT``: here with Django's date format, in chat.js
with ``Intl.DateTimeFormat`` and the same format string and month names.
"""

import datetime
import zoneinfo

from django.utils import dateformat, timezone
from django.utils.translation import gettext

from .models import Message
from .payloads import can_edit, message_payload
from .selectors import MAX_ID

# A Django date format. chat.js understands j d n m M Y G H i and backslash escapes.
TIME_FORMAT = "j M H:i"

# Placeholders in the prototype. Ids are numbers no row has (the URL patterns
# take only whole numbers); the rest are words no template writes itself.
TOKENS = {
    "id": str(MAX_ID),
    "author_id": str(MAX_ID - 1),
    "author_name": "{author_name}",
    "body": "{body}",
    "created_at": "{created_at}",
    "time": "{time}",
}
FLAGS = ("mine", "theirs", "visible", "deleted", "hidden", "edited", "editable")


def reader_zone(user) -> str:
    """The reader's time zone (their profile's), or UTC if unset or unknown."""
    profile = getattr(user, "profile", None)
    name = getattr(profile, "timezone", "") or "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def format_time(moment: datetime.datetime, zone: str) -> str:
    return dateformat.format(timezone.localtime(moment, zoneinfo.ZoneInfo(zone)), TIME_FORMAT)


def time_settings(zone: str) -> dict:
    """What chat.js needs to write a time exactly as ``format_time`` does."""
    months = [dateformat.format(datetime.date(2000, n, 1), "M") for n in range(1, 13)]
    return {"zone": zone, "format": TIME_FORMAT, "months": months}


def script_text() -> dict:
    """The words chat.js shows, in the reader's language ("{name}": filled in by the script)."""
    return {
        "connecting": gettext("Connecting…"),
        "live": gettext("Live: new messages appear here."),
        "reconnecting": gettext("Connection lost. Trying again in {seconds} s…"),
        "open_it": gettext("Open it"),
        "read_warning": gettext("Read the message from the moderators"),
        "continue": gettext("Continue"),
        "reported": gettext("Thank you. A moderator will look at your report."),
        "confirm_delete": gettext("Delete this message?"),
        "edit_label": gettext("Edit your message"),
        "save": gettext("Save"),
        "cancel": gettext("Cancel"),
        "nobody_online": gettext("Nobody else right now"),
        "one_typing": gettext("{names} is typing…"),
        "many_typing": gettext("{names} are typing…"),
    }


def message_item(message: Message, reader_id: int, zone: str, now=None) -> dict:
    """The context ``chat/_message.html`` draws one message from, for one reader."""
    p = message_payload(message)
    mine = message.author_id is not None and message.author_id == reader_id
    visible = p["state"] == "visible"
    return {
        "p": p,
        "time": format_time(message.created_at, zone),
        "mine": mine,
        "theirs": message.author_id is not None and not mine,
        "visible": visible,
        "deleted": p["state"] == "deleted",
        "hidden": p["state"] == "hidden",
        "edited": visible and p["edited"],
        "editable": can_edit(message, reader_id, now),
    }


def prototype_item(circle_id: int) -> dict:
    """The prototype's context: tokens for values, every flag true."""
    p = {
        "id": int(TOKENS["id"]),
        "circle_id": circle_id,
        "author_id": int(TOKENS["author_id"]),
        "author_name": TOKENS["author_name"],
        "body": TOKENS["body"],
        "created_at": TOKENS["created_at"],
    }
    return {"p": p, "time": TOKENS["time"], **dict.fromkeys(FLAGS, True)}
