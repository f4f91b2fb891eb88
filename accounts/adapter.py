"""Connect's allauth adapter: where people land after logging in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        profile = getattr(request.user, "profile", None)
        if profile is not None and not profile.is_onboarded:
            return reverse("onboarding")
        return super().get_login_redirect_url(request)
