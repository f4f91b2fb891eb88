"""Who may do what: the one error every app's ``permissions.access_*`` helper
raises, and the one view decorator that answers it.

An ``access_*`` helper returns what was asked for (a circle, a membership, a
meetup…) or raises ``AccessDenied``. Views, services and selectors all call
the same helpers, so a rule is written once and a service called on behalf of
the wrong person refuses before it changes anything.

``status`` is 404 by default: the person is answered as if the thing did not
exist, so a refusal never tells an outsider that it does. 403 is for people who
may know it exists (a member asking for a facilitator's page, anyone asking
for a moderators' page). ``redirect_to`` sends the person somewhere first (the
agreements step) with ``message`` as a notice.

This module sits in the bottom layer: it imports no app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOT_FOUND = 404
FORBIDDEN = 403
AGREEMENTS_FIRST = _("Please confirm you are 18 or over and accept the community guidelines first.")
NOT_FOUND_TEXT = _("Not found.")
MAX_ID = 2**63 - 1  # the largest id the database can hold


class AccessDenied(Exception):
    """A refused request. ``message`` is for the person; ``status`` is 404 (as if
    it did not exist, the default) or 403; ``redirect_to`` sends them there
    with the message as a notice instead of answering with an error page."""

    def __init__(
        self,
        message: str | Promise = NOT_FOUND_TEXT,
        *,
        status: int = NOT_FOUND,
        redirect_to: str = "",
    ):
        super().__init__(message)
        if status not in (NOT_FOUND, FORBIDDEN):
            raise ValueError("AccessDenied answers 404 or 403.")
        self.message = message
        self.status = status
        self.redirect_to = redirect_to

    def __str__(self) -> str:
        return str(self.message)


def not_found(message: str | Promise = NOT_FOUND_TEXT) -> AccessDenied:
    return AccessDenied(message, status=NOT_FOUND)


def forbidden(message: str | Promise) -> AccessDenied:
    return AccessDenied(message, status=FORBIDDEN)


def valid_id(value: Any, message: str | Promise = NOT_FOUND_TEXT) -> int:
    """A row id from a URL or a form, or AccessDenied (404): a whole number in 1..MAX_ID."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise not_found(message)
    return value


def answer(request: HttpRequest, error: AccessDenied) -> HttpResponse:
    """The response for a refusal: a redirect with a notice (htmx: HX-Redirect),
    or a 404/403 page in the site's layout showing the message."""
    if error.redirect_to:
        messages.warning(request, str(error.message))
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = error.redirect_to
            return response
        return HttpResponseRedirect(error.redirect_to)
    body = render_to_string(
        "access_denied.html",
        {"message": error.message, "status": error.status},
        request=request,
    )
    return HttpResponse(body, status=error.status)


def answers_access_denied(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn an ``AccessDenied`` the view lets through into its answer (``answer``)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as error:
            return answer(request, error)

    return wrapper
