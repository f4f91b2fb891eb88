"""Make a warned person read and acknowledge the warning before going on."""

from django.shortcuts import redirect
from django.urls import reverse

from .selectors import pending_warning

# Paths a warned person can still reach: the warning itself, appeals, help, logout.
ALLOWED_PREFIXES = ("/safety/", "/help/", "/accounts/logout/", "/static/", "/healthz/")


class PendingWarningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.method == "GET"
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            warning = pending_warning(user.pk)
            if warning is not None:
                return redirect(reverse("moderation:warning", args=[warning.pk]))
        return self.get_response(request)
