from django.conf import settings

from connect.notifications.selectors import unread_count


def site(request):
    """Values every page needs: unread count in the header, guidelines version."""
    user = getattr(request, "user", None)
    return {
        "unread_notifications": unread_count(user) if user is not None else 0,
        "guidelines_version": settings.CONNECT_GUIDELINES_VERSION,
    }
