"""Site pages that belong to no single domain app."""

import sys

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET
from django.views.i18n import set_language

from accounts import onboarding
from accounts.services import profile_language_set
from connect.circles.selectors import circles_of, my_invitations

from .crisis import resources_for
from .health import health_report


@require_GET
def landing(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/landing.html")


@login_required
def dashboard(request):
    profile = request.user.profile
    return render(
        request,
        "core/dashboard.html",
        {
            "profile": profile,
            "invitations": list(my_invitations(request.user)),
            "circles": circles_of(request.user).order_by("name"),
            "progress": onboarding.progress(profile),
            "next_step": onboarding.next_step(profile),
        },
    )


@require_GET
def crisis(request):
    country = request.GET.get("country")
    if not country and request.user.is_authenticated:
        country = request.user.profile.country_code
    return render(request, "core/crisis.html", {"crisis": resources_for(country)})


def language_switch(request):
    """The language switch: Django's ``set_language`` (the cookie, then back to
    the page), and for a logged-in person their saved choice too, which the
    site, emails and notifications follow (``accounts.middleware``)."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        profile_language_set(request.user.profile, request.POST.get("language"))
    return response


@require_GET
def guidelines(request):
    return render(request, "core/guidelines.html")


@require_GET
def healthz(request):
    """Liveness for operators and load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def healthz_deep(request):
    """Readiness for a load balancer: the database, Redis, the Celery broker and
    a worker's heartbeat; 503 with the failing checks named when one fails."""
    healthy, checks = health_report()
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


# The database is away (restarting, failing over, every pooled connection busy
# for DATABASE_POOL_TIMEOUT): a calm page and 503, not a server error.
DATABASE_AWAY = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """``handler500``: what a person sees when a request fails unexpectedly.

    Rendered without the request's context (that could need the very database
    that failed), so the layout shows the logged-out header. When the cause is
    the database being unreachable the answer is a 503 with ``Retry-After``:
    load balancers and browsers wait and come back, and the site recovers by
    itself once the pool reconnects.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_AWAY):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
