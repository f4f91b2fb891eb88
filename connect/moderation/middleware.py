"""Make a warned person read and acknowledge the warning before going on."""

from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse

from connect.safety.selectors import pending_warning_of

# Pages a warned person can still open: the warning itself, appeals, help, logout.
ALLOWED_PREFIXES = ("/safety/", "/help/", "/accounts/logout/", "/static/", "/healthz/")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Writes that stay open while a warning waits: reading the warning, appealing,
# the safety actions (report, block), crisis help, logging out and deleting the
# account (leaving is always possible).
OPEN_WRITES = {
    "moderation:warning",
    "moderation:appeal",
    "moderation:appeal_by_link",
    "moderation:report",
    "moderation:block",
    "moderation:unblock",
    "moderation:block_shared",
    "crisis",
    "account_logout",
    "moderation:delete_account",
    "set_language",  # the warning has to be readable: choosing the page's language
}


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class PendingWarningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.method in READ_METHODS:
            if not request.path.startswith(ALLOWED_PREFIXES):
                warning = pending_warning_of(user)
                if warning is not None:
                    return redirect(reverse("moderation:warning", args=[warning.pk]))
        elif _view_name(request.path_info) not in OPEN_WRITES:
            warning = pending_warning_of(user)
            if warning is not None:
                return self._refuse(request, reverse("moderation:warning", args=[warning.pk]))
        return self.get_response(request)

    @staticmethod
    def _refuse(request, warning_url: str):
        """Nothing is changed: the person is asked to read the warning first."""
        response = HttpResponseForbidden(
            render_to_string(
                "moderation/warning_required.html", {"warning_url": warning_url}, request=request
            )
        )
        if request.headers.get("HX-Request") == "true":
            response["HX-Redirect"] = warning_url  # htmx opens the warning page
        return response
