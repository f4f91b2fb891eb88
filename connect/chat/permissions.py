"""Who may do what in a circle's chat: the one place views, services and the
socket consumer ask. Each ``access_*`` helper returns what was asked for or
raises ``ChatError``, whose ``code`` says why (``selectors.NOT_MEMBER``,
``MUTED``, ``"not_found"`` …); the views turn it into 404, 403 or a redirect
with a notice (``views.answers_chat_errors``), the consumer into an ``error``
frame or a close code.
"""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors
from .models import Message
from .payloads import EDIT_WINDOW, can_edit


class ChatError(Exception):
    """A refused chat action; ``code`` is machine-readable, the text is for people."""

    def __init__(self, code: str, text: str | Promise, **extra):
        # Translated now, in the language of the person being answered (the
        # request's or the socket's), so frames and pages carry plain text.
        text = str(text)
        super().__init__(text)
        self.code = code
        self.text = text
        self.extra = extra  # more for the client, e.g. the ``url`` of a page to read


AGREEMENTS_TEXT = _("Please confirm you are 18 or over and accept the community guidelines first.")
WARNING_TEXT = _(
    "The moderators sent you a message. Please read it first: until then you "
    "can read the chat but not write in it."
)

# Why access was refused, as people read it.
_ACCESS_TEXT = {
    selectors.ANONYMOUS: _("Please log in."),
    selectors.NOT_MEMBER: _("You are not a member of this circle."),
    selectors.SUSPENDED: _("Your account is suspended."),
    selectors.NOT_AGREED: AGREEMENTS_TEXT,
    selectors.MUTED: _("You are muted in this circle for now: you can read but not post."),
}


def clean_id(value, *, minimum: int = 1) -> int:
    """A row id from a client, or ChatError: a whole number in minimum..MAX_ID."""
    if not selectors.is_id(value, minimum):
        raise ChatError("invalid", _("That is not a message id."))
    return value


def warning_error(user_id: int) -> ChatError:
    """The refusal of a write while a moderators' warning is unread, linking to it."""
    from connect.safety.selectors import pending_warning

    warning = pending_warning(user_id)
    url = reverse("moderation:warning", args=[warning.pk]) if warning else reverse("dashboard")
    return ChatError(selectors.WARNING_PENDING, WARNING_TEXT, url=url)


def access_circle_chat(user, circle_id: int, *, to_post: bool, to_write: bool = False) -> str:
    """Raise ChatError unless ``user`` may read the circle's chat, change their
    own words (``to_write``: not while a moderators' warning is unread) or post
    (``to_post``: not while muted either). Returns the ``selectors.chat_access``
    outcome (OK, MUTED or WARNING_PENDING when reading is all that was asked)."""
    access = selectors.chat_access(user, circle_id)
    if access == selectors.OK:
        return access
    if access == selectors.WARNING_PENDING:
        if to_post or to_write:
            raise warning_error(user.pk)
        return access
    if access == selectors.MUTED and not to_post:
        return access
    if access == selectors.NOT_AGREED:
        raise ChatError(
            access, AGREEMENTS_TEXT, url=reverse("onboarding_step", args=["agreements"])
        )
    raise ChatError(access, _ACCESS_TEXT[access])


def access_message(
    user, circle_id: int, message_id, *, for_edit: bool, to_post: bool = False
) -> Message:
    """A message of the circle's chat that ``user`` may act on, or ChatError.

    ``for_edit``: their own message, still there (not deleted or hidden), its
    row locked for the change (call inside a transaction); writing must be
    allowed (``to_post`` too refuses a muted member, as editing does; deleting
    one's own words stays open to them). The edit window is
    ``access_message_edit``'s. Otherwise: a message whose words the reader may
    see (to report it): nothing by anyone in a block with them, nothing deleted
    or hidden, and every other id answers like a missing one.
    """
    access_circle_chat(user, circle_id, to_post=to_post, to_write=for_edit)
    message_id = clean_id(message_id)
    if not for_edit:
        message = selectors.get_reportable_message(user, circle_id, message_id)
        if message is None:
            raise ChatError("not_found", _("That message is not in this circle."))
        return message
    message = (
        Message.objects.select_for_update()
        .filter(pk=message_id, circle_id=circle_id, author=user)
        .first()
    )
    if message is None:
        raise ChatError("not_found", _("You can only change your own messages."))
    if message.deleted_at or message.hidden_at:
        raise ChatError("gone", _("That message was deleted."))
    return message


def access_message_edit(user, circle_id: int, message_id) -> Message:
    """The person's own message whose words they may still change: as
    ``access_message(for_edit=True, to_post=True)``, within EDIT_WINDOW of posting."""
    message = access_message(user, circle_id, message_id, for_edit=True, to_post=True)
    if not can_edit(message, user.pk):
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise ChatError(
            "edit_window",
            ngettext(
                "Messages can be edited for %(minutes)s minute.",
                "Messages can be edited for %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
    return message
