"""Profile and onboarding pages (filled in by the onboarding work)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"profile": request.user.profile})


@login_required
def onboarding(request):
    return render(request, "accounts/profile.html", {"profile": request.user.profile})
