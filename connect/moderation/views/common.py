"""What the moderation pages share: the moderators' pages ask
``permissions.access_moderator`` before anything else."""

from functools import wraps

from django.contrib.auth.decorators import login_required

from connect.access import answers_access_denied

from ..permissions import access_moderator


def for_moderators(view):
    """Logged in (else the login page) and a site moderator (else 403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access_moderator(request.user)
        return view(request, *args, **kwargs)

    return login_required(answers_access_denied(wrapper))
