"""The email outbox: every email the site sends goes through one table, one
task and one SMTP connection per worker process.

Apps that send email register, for their source name, a *loader* that reads
their source rows by id (one query for a whole batch) and a *renderer* that
turns one row into a message when the email is due
(``@outbox_renderer("invitation", load=...)``), or returns ``None`` when the
row is gone or the email is no longer wanted (an invitation answered or
expired in the meantime): the outbox marks it dropped. Rendering at send
time also means the text is in the person's language and zone as they are
when the email leaves: ``outbox_render`` runs every renderer inside the
recipient's saved language and time zone, so templates, ``gettext`` and the
``date`` filter speak to that person.

The guarantee (tasks.py, ``outbox_send``) is the same for every email: the
row is locked, written "sent" before the hand-over, and committed right after
the server accepts, with a fixed Message-ID per email.
"""

import smtplib
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.zones import zone_or_utc

if TYPE_CHECKING:
    from .models import OutboxEmail

Renderer = Callable[["OutboxEmail", Any], EmailMultiAlternatives | None]
Loader = Callable[[Iterable[int]], Mapping[int, Any]]
_sources: dict[str, tuple[Loader, Renderer]] = {}


def outbox_renderer(source: str, *, load: Loader) -> Callable[[Renderer], Renderer]:
    """Register how the emails of ``source`` are rendered: ``load(ids)`` maps
    source ids to rows; the renderer gets the email and its row (or None)."""

    def register(func: Renderer) -> Renderer:
        _sources[source] = (load, func)
        return func

    return register


def _source(name: str) -> tuple[Loader, Renderer]:
    try:
        return _sources[name]
    except KeyError:
        raise LookupError(f"no email renderer registered for {name!r}") from None


def outbox_load(emails: Iterable["OutboxEmail"]) -> dict[tuple[str, int], Any]:
    """The source rows of ``emails``, one query per source: ``{(source, id): row}``."""
    ids: dict[str, set[int]] = {}
    for email in emails:
        ids.setdefault(email.source, set()).add(email.source_id)
    rows: dict[tuple[str, int], Any] = {}
    for name, source_ids in ids.items():
        load, _ = _source(name)
        rows.update({(name, pk): row for pk, row in load(source_ids).items()})
    return rows


def outbox_render(email: "OutboxEmail", row: Any) -> EmailMultiAlternatives | None:
    """The message for ``email`` from its source ``row`` (None: not to be sent)."""
    if row is None:
        return None
    _, render = _source(email.source)
    profile = getattr(email.user, "profile", None)
    language = getattr(profile, "language", "") or settings.LANGUAGE_CODE
    zone = zone_or_utc(getattr(profile, "timezone", ""))
    with translation.override(language), timezone.override(zone):
        return render(email, row)


def message_id_domain() -> str:
    """One domain for every Message-ID: the setting, or the site's own host."""
    return settings.CONNECT_MESSAGE_ID_DOMAIN or urlsplit(settings.SITE_URL).hostname or "connect"


def message_id(source: str, source_id: int) -> str:
    """Fixed per email, so a copy handed over twice is recognisably the same message."""
    return f"<{source}-{source_id}@{message_id_domain()}>"


def email_build(
    email: "OutboxEmail", *, subject: str, template: str, context: dict
) -> EmailMultiAlternatives:
    """A text + HTML message to the email's recipient from ``template``.txt/.html."""
    context = {"display_name": email.user.display_name, "site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(
        subject=f"[Connect] {subject}",
        body=render_to_string(f"{template}.txt", context),
        to=[email.user.email],
        headers={"Message-ID": message_id(email.source, email.source_id)},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def is_transient(exc: Exception) -> bool:
    """Worth trying again later: network trouble or a 4xx reply (not a 5xx refusal)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(
        exc,
        smtplib.SMTPServerDisconnected
        | smtplib.SMTPConnectError
        | ConnectionError
        | TimeoutError
        | OSError,
    )


# One SMTP connection per worker process, kept open across tasks: one
# handshake per worker, not per email.
_connection = None
_last_used = 0.0
IDLE_REOPEN_SECONDS = 30  # servers drop idle clients; reopen rather than fail a send


def _open_connection():
    global _connection
    if _connection is not None and time.monotonic() - _last_used > IDLE_REOPEN_SECONDS:
        connection_reset()
    if _connection is None:
        _connection = get_connection()
        _connection.open()
    return _connection


def connection_reset() -> None:
    global _connection
    if _connection is not None:
        try:
            _connection.close()
        except Exception:  # noqa: S110  a broken connection may fail to close; drop it anyway
            pass
    _connection = None


def message_send(message: EmailMultiAlternatives) -> None:
    """Hand one message to the mail server; raises on failure."""
    global _last_used
    connection = _open_connection()
    _last_used = time.monotonic()
    try:
        sent = connection.send_messages([message])
    except Exception:
        connection_reset()
        raise
    if sent != 1:
        connection_reset()
        raise ConnectionError("the mail server did not take the message")
