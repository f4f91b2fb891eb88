"""The invitation email (text + HTML), rendered by the outbox when it is sent.

An invitation answered, withdrawn or expired before its email leaves (quiet
hours, a busy queue) is not emailed: the renderer returns None.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from connect.notifications.outbox import absolute_url, email_build, outbox_renderer

from .language import in_language_of
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
    # In the invited person's language, whoever's request led to sending it.
    with in_language_of(inv.user):
        return email_build(
            email,
            subject=gettext("You're invited to %(name)s") % {"name": inv.circle.name},
            template="circles/email/invitation",
            context=invitation_context(inv),
        )
