"""The invitation email (text + HTML) and a per-process SMTP connection.

The Message-ID is deterministic per invitation (``<invitation-N@host>``), so
in the rare case an email is handed to the server twice (see tasks.py) the
copies are recognisably the same message.
"""

import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from connect.notifications.emails import absolute_url

from .selectors import invitation_reasons
from .tokens import make_token

_connection = None
_last_used = 0.0
IDLE_REOPEN_SECONDS = 30  # servers drop idle clients; reopen rather than fail a send


def message_id(invitation_id: int) -> str:
    return f"<invitation-{invitation_id}@connect.invalid>"


def invitation_context(inv) -> dict:
    reasons = invitation_reasons(inv)
    return {
        "invitation": inv,
        "circle": inv.circle,
        "display_name": inv.user.display_name,
        **reasons,
        "when": reasons["when"].label,
        "accept_url": absolute_url(
            reverse("circles:invitation_link", args=[make_token(inv, "accept")])
        ),
        "decline_url": absolute_url(
            reverse("circles:invitation_link", args=[make_token(inv, "decline")])
        ),
        "page_url": absolute_url(reverse("circles:invitation", args=[inv.pk])),
        "site_url": settings.SITE_URL,
    }


def build_message(inv) -> EmailMultiAlternatives:
    context = invitation_context(inv)
    message = EmailMultiAlternatives(
        subject=f"[Connect] You're invited to {inv.circle.name}",
        body=render_to_string("circles/email/invitation.txt", context),
        to=[inv.user.email],
        headers={"Message-ID": message_id(inv.pk)},
    )
    message.attach_alternative(
        render_to_string("circles/email/invitation.html", context), "text/html"
    )
    return message


def _open_connection():
    global _connection
    if _connection is not None and time.monotonic() - _last_used > IDLE_REOPEN_SECONDS:
        reset_connection()
    if _connection is None:
        _connection = get_connection()
        _connection.open()
    return _connection


def reset_connection() -> None:
    global _connection
    if _connection is not None:
        try:
            _connection.close()
        except Exception:  # noqa: S110  a broken connection may fail to close; drop it anyway
            pass
    _connection = None


def send_message(message) -> None:
    """Send over a connection kept open across tasks in this worker process
    (one SMTP handshake per worker, not per email); raises on failure."""
    global _last_used
    connection = _open_connection()
    _last_used = time.monotonic()
    try:
        sent = connection.send_messages([message])
    except Exception:
        reset_connection()
        raise
    if sent != 1:
        reset_connection()
        raise ConnectionError("the mail server did not take the message")
