"""Personal data in the circle chat, for the moderation app's export and erasure.

Product rule: a deleted account's messages stay readable as "former member"
(``Message.author`` is SET_NULL when the user row goes), so erasure clears
only what is about the person: read markers and presence.
"""

from accounts.erasure import erasable_name, without_mention

from . import presence
from .models import Message, ReadState
from .realtime import CLOSE_NOT_AUTHENTICATED, close_user_sockets


def export_personal_data(user) -> dict:
    """Everything the chat holds about ``user``: their messages and read markers."""
    messages = Message.objects.filter(author=user).order_by("id")
    return {
        "messages": [
            {
                "id": m.pk,
                "circle_id": m.circle_id,
                "body": m.body,
                "created_at": m.created_at.isoformat(),
                "edited_at": m.edited_at.isoformat() if m.edited_at else None,
                "deleted_at": m.deleted_at.isoformat() if m.deleted_at else None,
            }
            for m in messages
        ],
        "read_states": [
            {"circle_id": s.circle_id, "last_read_id": s.last_read_id}
            for s in ReadState.objects.filter(user=user).order_by("circle_id")
        ],
    }


def erase_personal_data(user) -> None:
    """Clear read markers and presence; messages remain (as "former member"), and
    other members' "@<name>" mentions of the person become "@former member"."""
    circle_ids = list(ReadState.objects.filter(user=user).values_list("circle_id", flat=True))
    circle_ids += list(user.memberships.values_list("circle_id", flat=True))
    presence.clear_user(user.pk, set(circle_ids))
    close_user_sockets(user.pk, CLOSE_NOT_AUTHENTICATED)
    ReadState.objects.filter(user=user).delete()
    name = erasable_name(user)
    if name:
        for message in Message.objects.filter(body__icontains=f"@{name}").only("pk", "body"):
            body = without_mention(message.body, name)
            if body != message.body:
                Message.objects.filter(pk=message.pk).update(body=body)
