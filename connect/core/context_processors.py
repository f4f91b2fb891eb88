from django.conf import settings

from connect.moderation.selectors import is_moderator
from connect.notifications.selectors import unread_count


def site(request):
    """Values every page needs: unread count and the moderation link in the
    header, guidelines version."""
    user = getattr(request, "user", None)
    return {
        "unread_notifications": unread_count(user) if user is not None else 0,
        "site_moderator": is_moderator(user),
        "guidelines_version": settings.CONNECT_GUIDELINES_VERSION,
    }
