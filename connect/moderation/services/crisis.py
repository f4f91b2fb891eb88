"""Crisis alerts: raised when a chat message holds crisis language, handled by people."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from connect.chat.models import Message
from connect.circles.language import notify_in_language
from connect.circles.models import Membership
from connect.notifications.models import Kind
from connect.safety.crisis_language import crisis_phrases_in

from ..models import CrisisAlert, ModerationAction
from ..selectors import moderators
from .common import Action, ModerationError, actor_role

CRISIS_ALERT_QUIET = timedelta(minutes=30)


def crisis_alert_raise(message: Message) -> CrisisAlert | None:
    """Alert the circle's facilitators and the moderators if the message holds
    crisis language. The message itself is never blocked."""
    phrases = crisis_phrases_in(message.body)
    if not phrases:
        return None
    # Several messages in a row from one person make one wave of notifications:
    # each is recorded (and listed), but people are alerted once per window.
    recently_alerted = CrisisAlert.objects.filter(
        circle_id=message.circle_id,
        author_id=message.author_id,
        status=CrisisAlert.Status.OPEN,
        created_at__gte=timezone.now() - CRISIS_ALERT_QUIET,
    ).exists()
    alert = CrisisAlert.objects.create(
        message=message, circle_id=message.circle_id, author_id=message.author_id, phrases=phrases
    )
    if recently_alerted:
        return alert
    url = reverse("moderation:alert", args=[alert.pk])
    facilitators = get_user_model().objects.filter(
        memberships__circle_id=message.circle_id,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.FACILITATOR,
        is_active=True,
    )
    recipients = {u.pk: u for u in [*facilitators, *moderators()]}
    recipients.pop(message.author_id, None)
    for person in recipients.values():
        notify_in_language(
            person,
            Kind.MODERATION,
            _("Crisis alert: someone in a circle may need care"),
            _(
                "A chat message may show someone in crisis. Please look at it now and "
                "check in with care; the writer has been shown crisis resources."
            ),
            url,
        )
    return alert


def crisis_alert_handle(actor, alert: CrisisAlert, note: str) -> ModerationAction:
    role = actor_role(actor, alert.circle_id)
    if role is None:
        raise PermissionDenied(
            gettext("Only the circle's facilitators and moderators can do that.")
        )
    note = (note or "").strip()
    if not note:
        raise ModerationError(gettext("Say briefly what you did (it is recorded)."))
    with transaction.atomic():
        updated = CrisisAlert.objects.filter(pk=alert.pk, status=CrisisAlert.Status.OPEN).update(
            status=CrisisAlert.Status.HANDLED, handled_at=timezone.now(), handled_by_id=actor.pk
        )
        if not updated:
            raise ModerationError(gettext("This alert was already handled."))
        return ModerationAction.objects.create(
            kind=Action.CRISIS_HANDLED,
            actor_id=actor.pk,
            actor_role=role,
            target_user_id=alert.author_id,
            circle_id=alert.circle_id,
            message_id=alert.message_id,
            reason=note,
        )
