"""Site pages that belong to no single domain app."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts import onboarding
from connect.circles.selectors import circles_of, my_invitations

from .crisis import resources_for


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


@require_GET
def guidelines(request):
    return render(request, "core/guidelines.html")


@require_GET
def healthz(request):
    """Liveness for operators and load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
