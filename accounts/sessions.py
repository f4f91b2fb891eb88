"""The person's web sessions."""

from django.contrib.sessions.models import Session
from django.utils import timezone


def end_web_sessions(user_id: int) -> int:
    """Delete every stored session logged in as ``user_id``.

    The database session store has no index by user, so sessions are decoded
    and checked; the middleware still logs out any session this misses (e.g.
    a cache session backend) on its next request.
    """
    doomed = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)
