"""What the moderation pages share: the moderator-only decorator."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..selectors import is_moderator


def moderator_required(view):
    """Logged in and a site moderator; anyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_moderator(request.user):
            raise PermissionDenied("Only site moderators can see this page.")
        return view(request, *args, **kwargs)

    return wrapper
