"""Reading the email outbox in tests: the email owed for one source row."""

from connect.notifications.models import OutboxEmail


def email_of(source: str, source_id: int) -> OutboxEmail | None:
    """The outbox row of ``source`` ("notification", "invitation") ``source_id``, if any."""
    return OutboxEmail.objects.filter(source=source, source_id=source_id).first()


def email_status(source: str, source_id: int) -> str | None:
    email = email_of(source, source_id)
    return None if email is None else email.status
