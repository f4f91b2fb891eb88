"""The email of an in-app notification (text + HTML), rendered by the outbox."""

from .models import Notification, OutboxEmail
from .outbox import absolute_url, email_build, outbox_renderer


def notifications_by_id(ids):
    return Notification.objects.in_bulk(list(ids))


@outbox_renderer("notification", load=notifications_by_id)
def notification_email(email: OutboxEmail, note: Notification):
    # Rendered inside the recipient's language (outbox_render): their version of the notice.
    title = note.text("title")
    context = {"title": title, "body": note.text("body"), "url": absolute_url(note.url)}
    return email_build(
        email, subject=title, template="notifications/email/notification", context=context
    )
