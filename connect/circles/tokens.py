"""Signed accept/decline links for invitation emails.

A link names the invitation, the person and the action, is signed with a
salt of its own (so no other signed value of the site can be replayed here),
and carries its timestamp so it stops working when the invitation expires.
It works once because the service refuses any invitation that is no longer
pending.
"""

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext

SALT = "connect.circles.invitation-link"
ACTIONS = ("accept", "decline")


class BadLink(Exception):
    """A tampered, expired or malformed link; ``str`` is for the person."""


def make_token(invitation, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    return signing.dumps({"i": invitation.pk, "u": invitation.user_id, "a": action}, salt=SALT)


def read_token(token: str) -> dict:
    """``{"i": invitation id, "u": user id, "a": action}`` or BadLink."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.CONNECT_INVITATION_HOURS * 3600 + 3600
        )
    except signing.SignatureExpired as exc:
        raise BadLink(gettext("This link has expired.")) from exc
    except signing.BadSignature as exc:
        raise BadLink(
            gettext("This link is not valid. Open the invitation from your notifications.")
        ) from exc
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        raise BadLink(
            gettext("This link is not valid. Open the invitation from your notifications.")
        )
    return data
