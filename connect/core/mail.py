"""Development email: each message printed as a person reads it.

Django's console backend prints the raw MIME message (quoted-printable bodies,
links broken across lines), and inside a Celery worker every printed line
becomes a WARNING log record. This backend writes the headers a reader cares
about and the plain-text body, framed, straight to the process's real stdout.
"""

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend

RULE = "-" * 72


def readable(message) -> str:
    """One email as text: who, what about, and the plain-text body."""
    lines = [
        RULE,
        f"Email to: {', '.join(message.to)}",
        f"From:     {message.from_email}",
        f"Subject:  {message.subject}",
        "",
        message.body.rstrip(),
    ]
    if getattr(message, "alternatives", None):
        kinds = ", ".join(alt[1] for alt in message.alternatives)
        lines += ["", f"(also sent as {kinds})"]
    lines += [RULE, ""]
    return "\n".join(lines)


class ReadableConsoleBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream
        self._lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        # sys.__stdout__: the terminal itself, not Celery's logging proxy.
        stream = self.stream or sys.__stdout__ or sys.stdout
        with self._lock:
            for message in email_messages:
                stream.write(readable(message) + "\n")
            stream.flush()
        return len(email_messages)
