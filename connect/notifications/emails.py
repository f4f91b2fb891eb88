"""The email of an in-app notification (text + HTML), rendered by the outbox."""

from .models import Notification, OutboxEmail
from .outbox import absolute_url, email_build, outbox_renderer


@outbox_renderer("notification")
def notification_email(email: OutboxEmail):
    note = Notification.objects.filter(pk=email.source_id).first()
    if note is None:
        return None  # deleted with its person's data: nothing left to tell
    context = {"title": note.title, "body": note.body, "url": absolute_url(note.url)}
    return email_build(
        email, subject=note.title, template="notifications/email/notification", context=context
    )
