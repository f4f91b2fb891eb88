"""Reads of notifications."""

from .models import Notification, NotificationPreference


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user, limit: int = 50):
    return Notification.objects.filter(user=user)[:limit]


def notification_preference_for(user) -> NotificationPreference:
    """The person's notification settings (created with the defaults on first read)."""
    pref, _ = NotificationPreference.objects.get_or_create(user=user)
    return pref
