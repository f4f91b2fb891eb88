"""Request guards about a person's agreements (the current community guidelines,
and 18+ plus the guidelines before anything circle-related), and the saved
language and time zone of a logged-in person."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from accounts.zones import zone_or_utc
from connect.access import AGREEMENTS_FIRST

# Pages a person can still reach before re-accepting: the guidelines themselves,
# crisis help, logging out and account security.
ALLOWED_PREFIXES = ("/me/guidelines/", "/guidelines/", "/help/", "/accounts/", "/static/")

# Everything under these needs 18+ confirmed and the guidelines accepted.
CIRCLE_PREFIXES = ("/circles/", "/meetups/", "/chat/")
# Reached without a session (a calendar app fetching a secret link): the feed
# itself decides what it may show.
SESSIONLESS_VIEWS = {"meetups:feed"}


def _sessionless(path: str) -> bool:
    try:
        return resolve(path).view_name in SESSIONLESS_VIEWS
    except Resolver404:
        return False


class GuidelinesMiddleware:
    """Redirect to the re-accept page while the accepted version is not the current one,
    and to the agreements step from any circle, meetup or chat path until 18+ and the
    guidelines are agreed.

    Only onboarded people are asked to re-accept: onboarding itself asks for the
    current version. API-style requests (non-GET) get the same redirect, so
    nothing is written before the person agrees; htmx requests get an
    ``HX-Redirect`` so the whole page moves to the agreements step.
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
            if (
                request.path.startswith(CIRCLE_PREFIXES)
                and not (profile is not None and profile.has_agreed)
                and not _sessionless(request.path_info)
            ):
                messages.info(request, AGREEMENTS_FIRST)
                target = reverse("onboarding_step", args=["agreements"])
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(target)
                return redirect(target)
        return self.get_response(request)


def _profile(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "profile", None)  # read with the user (connect.core.auth)


def _saved_language(request) -> str:
    profile = _profile(request)
    return profile.language if profile is not None else ""


class ProfileTimezoneMiddleware:
    """Every page draws times in the reader's own zone: their profile's IANA
    name, or UTC for anyone without one (and for anyone logged out).

    The one place the zone is chosen for pages; what a page says in words
    (chat messages, emails) is formatted with the same zone by its own code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = _profile(request)
        with timezone.override(zone_or_utc(profile.timezone if profile is not None else "")):
            return self.get_response(request)


class ProfileLanguageMiddleware:
    """A logged-in person's saved language wins over the cookie and the browser's
    Accept-Language (which LocaleMiddleware reads for everyone else).

    The language cookie follows the saved choice, so the pages after logging
    out stay in the same language. Read again after the view, so the switch
    (which saves the new choice) is not undone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _saved_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        language = _saved_language(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
