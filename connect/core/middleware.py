"""Site-wide request guards."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from connect.moderation.selectors import active_suspension


class SuspendedUserMiddleware:
    """Log a suspended person out at their next request, wherever they are.

    Suspension takes effect at once: the session ends and the login page
    explains why (allauth's adapter refuses the next login while suspended).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            suspension = active_suspension(user.pk)
            if suspension is not None:
                logout(request)
                until = (
                    f" until {suspension.ends_at:%d %B %Y %H:%M} UTC" if suspension.ends_at else ""
                )
                messages.error(
                    request,
                    f"Your account is suspended{until}. "
                    "You can appeal with the link in the email we sent you.",
                )
                # Crisis help and the signed appeal link stay reachable (logged out).
                if not request.path.startswith(self.open_paths()):
                    return redirect("account_login")
        return self.get_response(request)

    @staticmethod
    def open_paths() -> tuple[str, ...]:
        return (reverse("crisis"), "/safety/appeal/")
