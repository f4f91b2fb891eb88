"""Moderation actions: every one goes through ``moderation_action_take``.

It checks who may do what where, applies the effect, writes the audit log
entry, resolves the reports it answers and tells the people concerned, all in
one transaction.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.sessions import end_web_sessions
from connect.chat.models import Message
from connect.chat.realtime import (
    CLOSE_SUSPENDED,
    broadcast_message_changed,
    close_user_sockets,
    push_access_changed,
)
from connect.circles.language import notify_in_language
from connect.circles.models import Circle, MembershipEndReason
from connect.circles.selectors import active_membership, is_active_member
from connect.circles.services.lifecycle import membership_end
from connect.notifications.enqueue import task_enqueue_on_commit
from connect.notifications.models import Kind
from connect.safety.models import ModerationWarning, Mute, Suspension
from connect.safety.signals import suspension_started
from connect.video.tasks import mute_participant

from ..models import APPEALABLE_KINDS, ModerationAction, Report
from ..permissions import access_moderation_action
from .common import Action, ModerationError

# Taken during a video meetup; over when the room closes, so not appealed and not mailed.
IN_THE_MOMENT = {Action.VIDEO_MUTE}
APPEAL_LINK_SALT = "connect.moderation.appeal"
APPEAL_LINK_MAX_AGE = 60 * 60 * 24 * 30  # a suspended person has 30 days to use the link


@dataclass
class ActionResult:
    action: ModerationAction
    warning: ModerationWarning | None = None


def moderation_action_take(
    actor,
    kind: str,
    *,
    reason: str,
    user=None,
    circle: Circle | None = None,
    message: Message | None = None,
    ends_at: datetime | None = None,
    reports=(),
) -> ActionResult:
    """Apply one moderation action, audit it, resolve ``reports`` and notify.

    Raises AccessDenied (403) when ``actor`` may not do this here and
    ModerationError for bad input; in both cases nothing is changed.
    """
    reason = (reason or "").strip()
    if kind not in Action.values or kind not in {*APPEALABLE_KINDS, *IN_THE_MOMENT, Action.DISMISS}:
        raise ModerationError(gettext("Choose an action."))
    if not reason:
        raise ModerationError(gettext("Give a reason: it is recorded and shown to the person."))
    if message is not None:
        circle = message.circle
        user = message.author
    circle_id = circle.pk if circle is not None else None
    report_list = list(reports)
    if kind == Action.MUTE:
        if ends_at is None:
            raise ModerationError(gettext("A mute needs an end time."))
    if ends_at is not None and ends_at <= timezone.now():
        raise ModerationError(gettext("The end time must be in the future."))
    role = access_moderation_action(actor, kind, circle_id, ends_at, user.pk if user else None)
    if user is not None and user.pk == actor.pk:
        raise ModerationError(gettext("You can't take a moderation action on yourself."))
    if kind == Action.DISMISS and not report_list:
        raise ModerationError(gettext("There are no open reports to dismiss."))
    if kind in {Action.WARN, Action.MUTE, Action.REMOVE, Action.SUSPEND, Action.VIDEO_MUTE} and (
        user is None
    ):
        raise ModerationError(gettext("Choose the person this action is about."))
    if kind == Action.HIDE_MESSAGE and message is None:
        raise ModerationError(gettext("Choose the message to hide."))
    if kind in {Action.MUTE, Action.REMOVE, Action.VIDEO_MUTE}:
        if circle is None:
            raise ModerationError(gettext("Choose the circle."))
        if not is_active_member(user, circle.pk):
            raise ModerationError(gettext("That person is not a member of this circle."))
    if any(r.status != Report.Status.OPEN for r in report_list):
        raise ModerationError(gettext("Some of these reports were already handled."))

    with transaction.atomic():
        entry = ModerationAction.objects.create(
            kind=kind,
            actor_id=actor.pk,
            actor_role=role,
            target_user_id=user.pk if user is not None else None,
            circle_id=circle_id,
            message_id=message.pk if message is not None else None,
            report_ids=[r.pk for r in report_list],
            ends_at=ends_at,
            reason=reason,
        )
        warning = _apply(entry, actor, user=user, circle=circle, message=message)
        _resolve_reports(report_list, kind)
        if user is not None and kind != Action.DISMISS and kind not in IN_THE_MOMENT:
            _tell_the_person(entry, user, circle, warning)
    return ActionResult(entry, warning)


def _apply(entry: ModerationAction, actor, *, user, circle, message):
    kind = entry.kind
    if kind == Action.WARN:
        push_access_changed(user.pk)
        return ModerationWarning.objects.create(user=user, action_id=entry.pk, text=entry.reason)
    if kind == Action.HIDE_MESSAGE:
        Message.objects.filter(pk=message.pk).update(hidden_at=timezone.now(), hidden_by=actor)
        broadcast_message_changed(message.pk)
    elif kind == Action.MUTE:
        assert entry.ends_at is not None  # moderation_action_take refuses a mute without an end
        Mute.objects.create(
            circle=circle, user=user, ends_at=entry.ends_at, reason=entry.reason, created_by=actor
        )
        push_access_changed(user.pk, circle.pk)
    elif kind == Action.REMOVE:
        membership = active_membership(user, circle.pk)
        assert membership is not None  # moderation_action_take checked that they are a member
        membership_end(membership, MembershipEndReason.REMOVED)
    elif kind == Action.VIDEO_MUTE:
        # Janus turns the person's microphone off in the circle's open video rooms.
        task_enqueue_on_commit(mute_participant, user.pk, circle.pk)
    elif kind == Action.SUSPEND:
        Suspension.objects.create(
            user=user,
            starts_at=timezone.now(),
            ends_at=entry.ends_at,
            reason=entry.reason,
            created_by=actor,
        )
        end_web_sessions(user.pk)
        close_user_sockets(user.pk, CLOSE_SUSPENDED)
        user_id = user.pk
        transaction.on_commit(lambda: suspension_started.send(sender=Suspension, user_id=user_id))
    return None


def _resolve_reports(reports, kind: str) -> None:
    if not reports:
        return
    status = Report.Status.DISMISSED if kind == Action.DISMISS else Report.Status.ACTIONED
    now = timezone.now()
    Report.objects.filter(pk__in=[r.pk for r in reports], status=Report.Status.OPEN).update(
        status=status, resolved_at=now
    )
    # The reporter hears the outcome in general words: never what was done to whom.
    if status == Report.Status.ACTIONED:
        body = _(
            "A moderator reviewed your report and took action under the community "
            "guidelines. To protect everyone's privacy we don't share the details. "
            "Thank you for looking out for your circle."
        )
    else:
        body = _(
            "A moderator reviewed your report and found no breach of the community "
            "guidelines this time. Thank you for telling us; you can always report again "
            "or block someone."
        )
    for reporter_id in {r.reporter_id for r in reports if r.reporter_id}:
        reporter = get_user_model().objects.filter(pk=reporter_id).first()
        if reporter is not None:
            notify_in_language(reporter, Kind.MODERATION, _("Your report was reviewed"), body)


def appeal_link_token(action_id: int) -> str:
    return signing.dumps(action_id, salt=APPEAL_LINK_SALT)


def action_from_appeal_token(token: str) -> ModerationAction | None:
    try:
        action_id = signing.loads(token, salt=APPEAL_LINK_SALT, max_age=APPEAL_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return ModerationAction.objects.filter(pk=action_id).first()


def _tell_the_person(entry: ModerationAction, user, circle, warning) -> None:
    """What happened, why, and how to appeal (in the person's language)."""
    notify_in_language(
        user,
        Kind.MODERATION,
        lazy(_what_happened, str)(entry, circle),
        lazy(_notice_body, str)(entry, circle),
        _appeal_url(entry, warning),
    )


def _notice_body(entry: ModerationAction, circle) -> str:
    return gettext(
        "%(what)s.\n\nWhy: %(reason)s\n\n"
        "If you think this was a mistake, you can appeal: open the link and tell a "
        "moderator what happened. A different person will look at it."
    ) % {"what": _what_happened(entry, circle), "reason": entry.reason}


def _what_happened(entry: ModerationAction, circle) -> str:
    values = {
        "circle": circle.name if circle is not None else "",
        "until": formats.date_format(
            entry.ends_at.astimezone(UTC), pgettext("date format", "d F Y H:i")
        )
        if entry.ends_at
        else "",
    }
    if entry.kind == Action.WARN:
        return gettext("You have received a warning")
    if entry.kind == Action.HIDE_MESSAGE:
        if circle is not None:
            return gettext("One of your messages in %(circle)s was hidden") % values
        return gettext("One of your messages was hidden")
    if entry.kind == Action.MUTE:
        if circle is not None and entry.ends_at:
            return (
                gettext(
                    "You are muted in %(circle)s until %(until)s UTC: you can read but not post"
                )
                % values
            )
        if circle is not None:
            return gettext("You are muted in %(circle)s: you can read but not post") % values
        if entry.ends_at:
            return gettext("You are muted until %(until)s UTC: you can read but not post") % values
        return gettext("You are muted: you can read but not post")
    if entry.kind == Action.REMOVE:
        if circle is not None:
            return gettext("You were removed from %(circle)s") % values
        return gettext("You were removed from a circle")
    if entry.ends_at:
        return gettext("Your account is suspended until %(until)s UTC") % values
    return gettext("Your account is suspended until further notice")


def _appeal_url(entry: ModerationAction, warning) -> str:
    if entry.kind == Action.SUSPEND:
        # A suspended person cannot log in, so the email carries a signed appeal link.
        return reverse("moderation:appeal_by_link", args=[appeal_link_token(entry.pk)])
    if warning is not None:
        return reverse("moderation:warning", args=[warning.pk])
    return reverse("moderation:appeal", args=[entry.pk])
