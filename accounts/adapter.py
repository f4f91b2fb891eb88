"""Connect's allauth adapter: who may log in, and where people land after logging in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .models import User
from .services import profile_language_set
from .signals import login_requested


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """People who have not finished onboarding continue it after logging in."""
        if _needs_onboarding(request.user):
            return reverse("onboarding")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """Confirming the sign-up email logs the person in: onboarding comes next."""
        if _needs_onboarding(request.user):
            return reverse("onboarding")
        return super().get_signup_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        """A new account starts in the language its person signed up in."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_language_set(user.profile, translation.get_language())
        return user

    def send_mail(self, template_prefix, email, context):
        """Every account email can link back to the site (and its crisis page), and
        speaks the language of the person it is sent to: their saved choice, or
        the page's language for an address no account has yet."""
        context = {**context, "site_url": settings.SITE_URL}
        with translation.override(_recipient_language(email)):
            return super().send_mail(template_prefix, email, context)

    def pre_login(self, request, user, **kwargs):
        """Refuse to log in a person another app holds back (a suspension), and say why."""
        for _receiver, refusal in login_requested.send(sender=self.__class__, user=user):
            if refusal:
                from allauth.account.internal.stagekit import clear_login

                clear_login(request)
                messages.error(request, refusal)
                return redirect("account_login")
        return super().pre_login(request, user, **kwargs)


def _recipient_language(email: str) -> str | None:
    profile_language = (
        User.objects.filter(email__iexact=email).values_list("profile__language", flat=True).first()
    )
    return profile_language or translation.get_language()


def _needs_onboarding(user) -> bool:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile is not None and not profile.is_onboarded
