"""Appeals against an action, and acknowledging a warning."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from connect.access import not_found
from connect.chat.models import Message
from connect.chat.realtime import broadcast_message_changed, push_access_changed
from connect.circles.language import notify_in_language
from connect.notifications.models import Kind
from connect.safety.models import ModerationWarning, Mute, Suspension

from ..models import APPEALABLE_KINDS, Appeal, ModerationAction
from ..permissions import NO_ACTION, access_moderator
from .common import Action, ModerationError


def appeal_create(user, action: ModerationAction, text: str) -> Appeal:
    """The acted-on person asks for a second look; it joins the queue as an appeal."""
    if action.target_user_id != user.pk:
        raise not_found(NO_ACTION)
    if action.kind not in APPEALABLE_KINDS:
        raise ModerationError(gettext("This can't be appealed."))
    text = (text or "").strip()
    if not text:
        raise ModerationError(gettext("Tell us why you are appealing."))
    try:
        with transaction.atomic():
            return Appeal.objects.create(action=action, appellant=user, text=text[:2000])
    except IntegrityError:
        raise ModerationError(
            gettext("You already have an appeal waiting on this action.")
        ) from None


def appeal_decide(moderator, appeal: Appeal, overturn: bool, reason: str) -> ModerationAction:
    """A moderator upholds or reverses the action; both are audited and the person told."""
    access_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(gettext("Give a reason: it is recorded and shown to the person."))
    if appeal.status != Appeal.Status.OPEN:
        raise ModerationError(gettext("This appeal was already decided."))
    action = appeal.action
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.OPEN:
            raise ModerationError(gettext("This appeal was already decided."))
        if overturn:
            _undo(action)
        appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
        appeal.resolved_at = timezone.now()
        appeal.save(update_fields=["status", "resolved_at"])
        entry = ModerationAction.objects.create(
            kind=Action.APPEAL_OVERTURNED if overturn else Action.APPEAL_UPHELD,
            actor_id=moderator.pk,
            actor_role="moderator",
            target_user_id=action.target_user_id,
            circle_id=action.circle_id,
            message_id=action.message_id,
            appeal_id=appeal.pk,
            reason=reason,
        )
        if overturn:
            title = _("Your appeal was accepted")
            extra = (
                _("You can ask to join the circle again.")
                if action.kind == Action.REMOVE
                else _("The action has been reversed.")
            )
            body = format_lazy("{} {}", reason, extra)
        else:
            title, body = _("Your appeal was reviewed: the decision stands"), reason
        notify_in_language(appeal.appellant, Kind.MODERATION, title, body)
    return entry


def _undo(action: ModerationAction) -> None:
    now = timezone.now()
    # moderation_action_take records the person, circle and message each kind acts on.
    if action.kind == Action.SUSPEND:
        assert action.target_user_id is not None
        Suspension.objects.filter(user_id=action.target_user_id, lifted_at__isnull=True).update(
            lifted_at=now
        )
    elif action.kind == Action.MUTE:
        assert action.target_user_id is not None and action.circle_id is not None
        Mute.objects.filter(
            user_id=action.target_user_id, circle_id=action.circle_id, lifted_at__isnull=True
        ).update(lifted_at=now)
        push_access_changed(action.target_user_id, action.circle_id)
    elif action.kind == Action.HIDE_MESSAGE:
        assert action.message_id is not None
        Message.objects.filter(pk=action.message_id).update(hidden_at=None, hidden_by=None)
        broadcast_message_changed(action.message_id)
    elif action.kind == Action.WARN:
        if ModerationWarning.objects.filter(
            action_id=action.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=now):
            assert action.target_user_id is not None  # a warning always names its person
            push_access_changed(action.target_user_id)
    # A removal is not undone automatically: the seat may be taken by now.


def warning_acknowledge(user, warning: ModerationWarning) -> None:
    if warning.user_id != user.pk:
        raise not_found(gettext("There is no such warning."))
    if ModerationWarning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    ):
        push_access_changed(user.pk)
