"""The invitation email (text + HTML), rendered by the outbox when it is sent.

An invitation answered, withdrawn or expired before its email leaves (quiet
hours, a busy queue) is not emailed: the renderer returns None.
"""

from django.urls import reverse
from django.utils import timezone

from connect.notifications.outbox import absolute_url, email_build, outbox_renderer

from .models import Invitation
from .selectors import invitation_reasons
from .tokens import make_token


def invitation_context(inv) -> dict:
    reasons = invitation_reasons(inv)
    return {
        "invitation": inv,
        "circle": inv.circle,
        "display_name": inv.user.display_name,
        **reasons,
        "when": reasons["when"].label,
        "accept_url": absolute_url(
            reverse("circles:invitation_link", args=[make_token(inv, "accept")])
        ),
        "decline_url": absolute_url(
            reverse("circles:invitation_link", args=[make_token(inv, "decline")])
        ),
        "page_url": absolute_url(reverse("circles:invitation", args=[inv.pk])),
    }


def invitations_by_id(ids):
    return Invitation.objects.select_related("user", "user__profile", "circle").in_bulk(list(ids))


@outbox_renderer("invitation", load=invitations_by_id)
def invitation_email(email, inv: Invitation):
    if inv.status != Invitation.Status.PENDING or inv.expires_at <= timezone.now():
        return None
    return email_build(
        email,
        subject=f"You're invited to {inv.circle.name}",
        template="circles/email/invitation",
        context=invitation_context(inv),
    )
