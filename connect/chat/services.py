"""Writes for the circle chat. Every rule lives here, so the WebSocket consumer
and the no-JavaScript views behave the same and are tested through one path.

Who may act is asked of ``permissions``; each write publishes its own
real-time event on commit (``realtime.publish_message``), so a message reaches
open sockets however it was written."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from connect.circles.language import notify_in_language
from connect.notifications.models import Kind
from connect.safety.crisis_language import contains_crisis_language
from connect.safety.reports import ReportReason
from connect.safety.selectors import blocked_ids
from connect.safety.services import ReportRateLimited, SafetyError
from connect.safety.signals import message_report_requested

from . import ratelimit, realtime, selectors
from .mentions import mentioned_ids
from .models import MAX_MESSAGE_LENGTH, Message, ReadState
from .permissions import (
    ChatError,
    access_circle_chat,
    access_message,
    access_message_edit,
    clean_id,
)
from .signals import message_posted

TYPING_THROTTLE_SECONDS = 3


def message_rate() -> tuple[int, int]:
    """(messages, seconds) allowed per person; CONNECT_CHAT_RATE, default 10 per 10 s."""
    return getattr(settings, "CONNECT_CHAT_RATE", (10, 10))


MAX_ID = selectors.MAX_ID


def clean_text(value, *, what: str = "") -> str:
    """Text a client sent, or ChatError: a string the database can store (no
    NUL character, no lone surrogate)."""
    what = what or gettext("A message")
    if not isinstance(value, str):
        raise ChatError("invalid", gettext("%(what)s must be text.") % {"what": what})
    if "\x00" in value:
        raise ChatError(
            "invalid", gettext("%(what)s cannot contain a NUL character.") % {"what": what}
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ChatError(
            "invalid", gettext("%(what)s must be valid text.") % {"what": what}
        ) from None
    return value


def clean_body(body) -> str:
    body = clean_text(body).strip()
    if not body:
        raise ChatError("empty", gettext("Write something first."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ChatError(
            "too_long",
            gettext("Messages can be at most %(count)s characters.")
            % {"count": number_format(MAX_MESSAGE_LENGTH, force_grouping=True)},
        )
    return body


@dataclass
class Posted:
    message: Message
    crisis: bool  # the writer should privately see crisis resources


def message_post(user, circle_id: int, body) -> Posted:
    """Save a new message, notify the people it mentions, publish it to the
    circle's open sockets on commit, and send ``message_posted``. A crisis
    phrase never blocks it (the writer's own crisis notice is the caller's)."""
    body = clean_body(body)
    access_circle_chat(user, circle_id, to_post=True)
    limit, window = message_rate()
    if not ratelimit.hit("msg", user.pk, limit, window):
        raise ChatError(
            "rate_limited",
            gettext("Slow down a little: at most %(limit)s messages every %(window)s seconds.")
            % {"limit": limit, "window": window},
        )
    with transaction.atomic():
        message = Message.objects.create(circle_id=circle_id, author=user, body=body)
        if "@" in body:  # skip the member lookup for the many messages without one
            _notify_mentions(message)
        realtime.publish_message(message, "message")
    message_posted.send(sender=Message, message=message)
    return Posted(message=message, crisis=contains_crisis_language(body))


def _notify_mentions(message: Message) -> None:
    writer = message.author
    if writer is None:
        return
    names = selectors.member_names(message.circle_id)
    ids = mentioned_ids(message.body, names) - {writer.pk}
    if not ids:
        return
    ids -= blocked_ids(writer.pk)
    from accounts.models import User

    url = reverse("chat:room", args=[message.circle_id]) + f"#message-{message.pk}"
    author = writer.display_name
    for person in User.objects.filter(pk__in=ids, is_active=True).select_related("profile"):
        # The text stays on the site: emails about a support circle carry no content.
        notify_in_language(
            person,
            Kind.MENTION,
            format_lazy(_("{name} mentioned you in your circle's chat"), name=author),
            _("Open the chat to read it."),
            url,
        )


@transaction.atomic
def message_edit(user, circle_id: int, message_id, body) -> Message:
    """Change one's own message within EDIT_WINDOW of posting; marks it edited."""
    body = clean_body(body)
    message = access_message_edit(user, circle_id, message_id)
    if body != message.body:
        message.body = body
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "edited_at"])
    # Sent even when unchanged: the writer's open edit box closes on it.
    realtime.publish_message(message, "message_updated")
    return message


@transaction.atomic
def message_delete(user, circle_id: int, message_id) -> Message:
    """Delete one's own message: everyone then sees "message deleted".

    The text is kept (never shown in chat) so a report about it can still be
    reviewed by moderators; muted members may still delete their own words.
    """
    message = access_message(user, circle_id, message_id, for_edit=True)
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    realtime.publish_message(message, "message_updated")
    return message


def message_report(user, circle_id: int, message_id, reason: str, note: str = "") -> Any:
    """Report a message to the moderators (moderation's hourly allowance applies)."""
    if not isinstance(reason, str) or reason not in ReportReason.values:
        raise ChatError("invalid", gettext("Choose a reason for the report."))
    note = clean_text(note, what=gettext("The note"))
    if len(note) > 2000:
        raise ChatError("invalid", gettext("The note can be at most 2,000 characters."))
    # Blocked, deleted, hidden and missing all answer the same way.
    message = access_message(user, circle_id, message_id, for_edit=False)
    if message.author_id == user.pk:
        raise ChatError("own_message", gettext("You cannot report your own message."))
    # One set of reporting rules and one hourly allowance for the whole site.
    # The moderation workflow answers (returning the reporter's open report on
    # this message, if any, rather than a second one).
    try:
        answers = message_report_requested.send(
            sender=Message, reporter=user, message_id=message.pk, reason=reason, note=note
        )
    except ReportRateLimited as exc:
        raise ChatError("rate_limited", str(exc)) from exc
    except SafetyError as exc:
        raise ChatError("invalid", str(exc)) from exc
    reports = [report for _receiver, report in answers if report is not None]
    if not reports:
        raise ChatError("invalid", gettext("Reports can't be sent right now."))
    return reports[0]


def _mark_read(user, circle_id: int, message_id: int) -> None:
    updated = ReadState.objects.filter(user=user, circle_id=circle_id).update(
        last_read_id=Greatest("last_read_id", message_id), updated_at=timezone.now()
    )
    if not updated:
        ReadState.objects.get_or_create(
            user=user, circle_id=circle_id, defaults={"last_read_id": message_id}
        )


def read_marker_move(user, circle_id: int, message_id=None) -> None:
    """Move the person's read marker forward (to the latest message by default)."""
    if message_id is None:
        latest = Message.objects.filter(circle_id=circle_id).order_by("-id").first()
        message_id = latest.pk if latest else 0
    message_id = clean_id(message_id, minimum=0)
    _mark_read(user, circle_id, message_id)


def typing_may_announce(user_id: int, circle_id: int) -> bool:
    """Server-side throttle: one "typing" broadcast per person per few seconds."""
    return ratelimit.once_per("typing", f"{circle_id}:{user_id}", TYPING_THROTTLE_SECONDS)
