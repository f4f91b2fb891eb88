"""Who may act in moderation: the one place views and services ask.

Each ``access_*`` helper returns what was asked for or raises
``connect.access.AccessDenied``: 403 for the moderators' pages (anyone may know
they exist), 404 for everything about a circle, a person or a record the asker
has no part in, so nothing leaks (someone else's warning, appeal or alert looks
the same as a missing one).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connect.access import forbidden, not_found, valid_id
from connect.circles.models import Circle
from connect.circles.selectors import is_facilitator
from connect.safety.models import Block, ModerationWarning

from .models import Appeal, CrisisAlert, ModerationAction
from .selectors import is_moderator

MODERATORS_ONLY = _("Only site moderators can see this page.")
FACILITATOR_ACTIONS = {
    ModerationAction.Kind.HIDE_MESSAGE,
    ModerationAction.Kind.MUTE,
    ModerationAction.Kind.REMOVE,
    ModerationAction.Kind.VIDEO_MUTE,
}
FACILITATOR_MAX_MUTE = timedelta(hours=24)
FACILITATOR_LIMITS = _(
    "Only a site moderator can do that. A facilitator can hide a message, "
    "mute someone for up to 24 hours, or remove someone from the circle."
)
NO_ACTION = _("There is no action about you with this number.")
BAD_APPEAL_LINK = _("This appeal link is not valid or has expired.")
NOT_BLOCKED = _("You have not blocked this person.")


def actor_role(actor, circle_id: int | None) -> str | None:
    """ "moderator" anywhere, "facilitator" in their own circle, else None."""
    if is_moderator(actor):
        return "moderator"
    if circle_id is not None and is_facilitator(actor, circle_id):
        return "facilitator"
    return None


def access_moderator(user) -> None:
    """A site moderator, or 403."""
    if not is_moderator(user):
        raise forbidden(MODERATORS_ONLY)


def access_moderation_action(
    actor, kind: str, circle_id: int | None, ends_at, target_user_id: int | None
) -> str:
    """The actor's role ("moderator" or "facilitator") if they may take this
    action here, else 403: a facilitator only hides, mutes for up to 24 hours
    or removes, in their own circle, and never acts on a site moderator."""
    role = actor_role(actor, circle_id)
    if role is None:
        raise forbidden(_("You can't take moderation actions here."))
    if role == "facilitator":
        if kind not in FACILITATOR_ACTIONS:
            raise forbidden(FACILITATOR_LIMITS)
        if kind == ModerationAction.Kind.MUTE and ends_at - timezone.now() > FACILITATOR_MAX_MUTE:
            raise forbidden(_("A facilitator can mute someone for up to 24 hours."))
        if target_user_id is not None:
            target = get_user_model().objects.filter(pk=target_user_id).first()
            if target is not None and is_moderator(target):
                raise forbidden(_("A facilitator can't act on a site moderator."))
    return role


def access_circle_safety(user, circle_id) -> tuple[Circle, str]:
    """(circle, role) for its facilitator or a moderator; members and strangers
    get 404, as if the circle did not exist."""
    circle = Circle.objects.filter(pk=valid_id(circle_id, _("No such circle."))).first()
    role = actor_role(user, circle.pk) if circle is not None else None
    if circle is None or role is None:
        raise not_found(_("No such circle."))
    return circle, role


def access_action_kind(kind: str, allowed, known) -> None:
    """A facilitator asking for an action only moderators take: 403 with what
    they can do instead. Unknown kinds are left to the form."""
    if kind in known and kind not in allowed:
        raise forbidden(FACILITATOR_LIMITS)


def access_alert(user, alert_id) -> CrisisAlert:
    """A crisis alert of a circle the person facilitates (any, for moderators), else 404."""
    alert = (
        CrisisAlert.objects.select_related("circle", "message")
        .filter(pk=valid_id(alert_id, _("No such alert.")))
        .first()
    )
    if alert is None or actor_role(user, alert.circle_id) is None:
        raise not_found(_("No such alert."))
    return alert


def access_appeal(user, action_id) -> ModerationAction:
    """An action about the person that they may appeal; someone else's looks missing."""
    action = ModerationAction.objects.filter(pk=valid_id(action_id, NO_ACTION)).first()
    if action is None or action.target_user_id != user.pk:
        raise not_found(NO_ACTION)
    if not action.is_appealable:
        raise not_found(_("This can't be appealed."))
    return action


def access_appeal_by_link(action: ModerationAction | None):
    """The suspended person a signed appeal link names (they can't log in), or 404."""
    if action is None or action.kind != ModerationAction.Kind.SUSPEND:
        raise not_found(BAD_APPEAL_LINK)
    user = None
    if action.target_user_id is not None:
        user = get_user_model().objects.filter(pk=action.target_user_id).first()
    if user is None:
        raise not_found(BAD_APPEAL_LINK)
    return user


def access_appeal_to_review(user, appeal_id) -> Appeal:
    """An appeal for a moderator to decide: 403 for everyone else, 404 if missing."""
    access_moderator(user)
    appeal = (
        Appeal.objects.select_related("action", "appellant__profile")
        .filter(pk=valid_id(appeal_id, _("No such appeal.")))
        .first()
    )
    if appeal is None:
        raise not_found(_("No such appeal."))
    return appeal


def access_warning(user, warning_id) -> ModerationWarning:
    """The person's own warning; anyone else's looks like a missing one."""
    warning = ModerationWarning.objects.filter(
        pk=valid_id(warning_id, _("No such warning.")), user=user
    ).first()
    if warning is None:
        raise not_found(_("No such warning."))
    return warning


def access_own_block(user, blocked_id) -> None:
    """A block the person made, else 404."""
    if not Block.objects.filter(
        blocker=user, blocked_id=valid_id(blocked_id, NOT_BLOCKED)
    ).exists():
        raise not_found(NOT_BLOCKED)
