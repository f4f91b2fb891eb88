"""The site's authentication backend: the person and what every request asks
about them, read in one query.

Every page runs the same checks before its view: is this person suspended, is
a warning waiting for them, have they accepted the current guidelines
(profile), may they moderate (the header's link). Read one by one, those were
four queries on every request beside the user's own row; here they are one
row: the user with its profile joined and EXISTS columns for the suspension,
the warning and the moderator permission. The rules themselves stay in their
selectors (``connect.safety.selectors.suspensions_active``,
``warnings_pending``); the middlewares ask the selectors' ``*_of(user)`` forms,
which use these columns when present. Nothing is cached across requests, so a
suspension or a warning takes effect at the very next request, as before.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from connect.safety.selectors import suspensions_active, warnings_pending


def users_with_request_reads():
    """Users with their profile and the per-request safety and role columns."""
    moderates = Permission.objects.filter(
        content_type__app_label="moderation", codename="moderate"
    ).filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
    return (
        get_user_model()
        ._default_manager.select_related("profile")
        .annotate(
            has_active_suspension=Exists(suspensions_active().filter(user_id=OuterRef("pk"))),
            has_pending_warning=Exists(warnings_pending().filter(user_id=OuterRef("pk"))),
            has_moderate_permission=Exists(moderates),
        )
    )


class SiteAuthenticationBackend(AuthenticationBackend):
    """allauth's backend (login by email), with ``get_user`` reading the
    per-request columns. Listed first in ``AUTHENTICATION_BACKENDS`` so new
    sessions use it; sessions made by the plain backends still work."""

    def get_user(self, user_id):
        try:
            user = users_with_request_reads().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
