"""The JSON shape of a message, shared by the WebSocket and the HTTP history endpoint.

Text goes out raw in JSON; the client puts it into the page with textContent,
never as HTML.
"""

from datetime import timedelta

from django.utils import timezone

from .models import Message

EDIT_WINDOW = timedelta(minutes=15)
FORMER_MEMBER = "former member"


def author_name(message: Message) -> str:
    # author_id first: a former member's message answers without a query.
    return message.author.display_name if message.author_id and message.author else FORMER_MEMBER


def can_edit(message: Message, user_id, now=None) -> bool:
    now = now or timezone.now()
    return (
        message.author_id is not None
        and message.author_id == user_id
        and message.deleted_at is None
        and message.hidden_at is None
        and now - message.created_at <= EDIT_WINDOW
    )


def state(message: Message) -> str:
    if message.hidden_at:
        return "hidden"
    if message.deleted_at:
        return "deleted"
    return "visible"


def message_payload(message: Message) -> dict:
    """Everything a client needs to draw the message; no text once deleted or hidden."""
    st = state(message)
    return {
        "id": message.pk,
        "circle_id": message.circle_id,
        "author_id": message.author_id,
        "author_name": author_name(message),
        "body": message.body if st == "visible" else "",
        "state": st,
        "edited": message.edited_at is not None,
        "created_at": message.created_at.isoformat(),
        "editable_until": (message.created_at + EDIT_WINDOW).isoformat(),
    }
