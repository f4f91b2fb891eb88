"""Rendering and sending of notification emails (text + HTML)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def send_notification(note) -> None:
    """Send one notification's email; raises on SMTP errors."""
    context = {
        "title": note.title,
        "body": note.body,
        "url": absolute_url(note.url),
        "display_name": note.user.display_name,
        "site_url": settings.SITE_URL,
    }
    text = render_to_string("notifications/email/notification.txt", context)
    html = render_to_string("notifications/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=f"[Connect] {note.title}",
        body=text,
        to=[note.user.email],
        headers={"Message-ID": f"<notification-{note.pk}@connect>"},
    )
    message.attach_alternative(html, "text/html")
    message.send()
