"""Site-wide request guards."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import DisallowedHost
from django.shortcuts import redirect
from django.urls import reverse

from connect.notifications.enqueue import delays_recorded
from connect.safety.selectors import active_suspension_of
from connect.safety.texts import suspended_text

DELAYED = (
    "Your change is saved. Emails and other updates about it are running late "
    "and will follow in a few minutes."
)


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
            suspension = active_suspension_of(user)
            if suspension is not None:
                logout(request)
                messages.error(request, suspended_text(suspension.ends_at))
                # Crisis help and the signed appeal link stay reachable (logged out).
                if not request.path.startswith(self.open_paths()):
                    return redirect("account_login")
        return self.get_response(request)

    @staticmethod
    def open_paths() -> tuple[str, ...]:
        return (reverse("crisis"), "/safety/appeal/")


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, plus the chat socket on this very host.

    CSP3 browsers let 'self' cover ws:/wss: on the page's own origin; older
    ones need the socket's origin spelled out, and the host is only known per
    request (ALLOWED_HOSTS has already vetted it).
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        try:
            host = request.get_host()
        except DisallowedHost:
            return parts
        socket = f"{'wss' if request.is_secure() else 'ws'}://{host}"
        # The video rooms' Janus servers (the browser talks to them directly): their
        # origins, since janus.js adds the session and handle to the URL's path.
        janus = [_origin(url) for url in settings.JANUS_URL.split(",") if url.strip()]
        parts.update = {**(parts.update or {}), "connect-src": [socket, *janus]}
        return parts


PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",  # video rooms
        "microphone=(self)",
        "display-capture=(self)",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "bluetooth=()",
        "midi=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
    ]
)


class PrivateHeadersMiddleware:
    """``Permissions-Policy`` on every response, and ``Cache-Control: private,
    no-store`` on every response to a logged-in person (static files aside)
    unless the view chose its own: member pages never land in a shared or
    back-button cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
            and not request.path.startswith(settings.STATIC_URL)
        ):
            response["Cache-Control"] = "private, no-store"
        return response


class DelayedWorkMiddleware:
    """Tell the person when their request saved a change whose follow-up work
    (emails, video room updates) could not be queued because the task broker
    was away: the work is owed and sent later (``notifications/enqueue.py``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with delays_recorded() as delays:
            response = self.get_response(request)
        if delays and hasattr(request, "_messages"):
            messages.info(request, DELAYED)
        return response
