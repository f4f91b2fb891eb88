"""Ask onboarded people to accept the community guidelines again when they change."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# Pages a person can still reach before re-accepting: the guidelines themselves,
# crisis help, logging out and account security.
ALLOWED_PREFIXES = ("/me/guidelines/", "/guidelines/", "/help/", "/accounts/", "/static/")


class GuidelinesMiddleware:
    """Redirect to the re-accept page while the accepted version is not the current one.

    Only onboarded people are asked: onboarding itself asks for the current
    version. API-style requests (htmx, non-GET) get the same redirect, which
    htmx follows, so nothing is written before the person accepts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            profile = getattr(user, "profile", None)
            if profile is not None and profile.is_onboarded and not profile.guidelines_current:
                target = reverse("guidelines_accept")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
