"""Writes for safety: reports, moderation actions, appeals, blocks, crisis alerts.

Every action goes through ``take_action``: it checks who may do what where,
applies the effect, writes the audit log entry, resolves the reports it
answers and tells the people concerned, all in one transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from connect.chat.models import Message
from connect.chat.realtime import (
    CLOSE_SUSPENDED,
    broadcast_message_changed,
    close_user_sockets,
)
from connect.chat.selectors import get_visible_message
from connect.circles.models import Circle, Membership, MembershipEndReason
from connect.circles.selectors import (
    active_membership,
    browsable_circle,
    is_active_member,
    is_facilitator,
)
from connect.circles.services.lifecycle import membership_end
from connect.notifications.models import Kind
from connect.notifications.services import notify

from . import queue
from .crisis_language import crisis_phrases_in
from .models import (
    APPEALABLE_KINDS,
    Appeal,
    Block,
    CrisisAlert,
    ModerationAction,
    ModerationWarning,
    Mute,
    Report,
    Suspension,
)
from .selectors import ever_shared_a_circle, is_moderator, moderators

Action = ModerationAction.Kind

REPORTS_PER_HOUR = 10
FACILITATOR_ACTIONS = {Action.HIDE_MESSAGE, Action.MUTE, Action.REMOVE}
FACILITATOR_MAX_MUTE = timedelta(hours=24)
CRISIS_ALERT_QUIET = timedelta(minutes=30)
APPEAL_LINK_SALT = "connect.moderation.appeal"
APPEAL_LINK_MAX_AGE = 60 * 60 * 24 * 30  # a suspended person has 30 days to use the link


class ModerationError(ValueError):
    """Bad input for a safety operation; the message is shown to the person."""


class ReportRateLimited(ModerationError):
    """Too many reports from one person within the hour."""


class TargetNotFound(ModerationError):
    """The reported thing does not exist, or the reporter cannot see it."""


# --- Reports ---------------------------------------------------------------


_R = Report.Reason
# The reasons that fit each kind of target, in the order the form offers them.
REASONS_FOR: dict[str, list[Report.Reason]] = {
    Report.TargetType.MEMBER: [
        _R.HARASSMENT,
        _R.HATE,
        _R.SPAM,
        _R.IMPERSONATION,
        _R.UNDER_18,
        _R.SELF_HARM,
        _R.OTHER,
    ],
    Report.TargetType.MESSAGE: [_R.HARASSMENT, _R.HATE, _R.SPAM, _R.SELF_HARM, _R.OTHER],
    Report.TargetType.CIRCLE: [_R.NOT_AS_DESCRIBED, _R.HARASSMENT, _R.HATE, _R.SPAM, _R.OTHER],
    Report.TargetType.MEETUP: [
        _R.UNSAFE_MEETING,
        _R.NOT_AS_DESCRIBED,
        _R.HARASSMENT,
        _R.HATE,
        _R.OTHER,
    ],
}


def reasons_for(target_type: str) -> list[Report.Reason]:
    """The reasons a report about this kind of target may give."""
    return REASONS_FOR.get(target_type, [])


def _report_rate_key(user_id: int) -> str:
    return f"moderation:reports:{user_id}"


def reports_left(user_id: int) -> int:
    return max(0, REPORTS_PER_HOUR - int(cache.get(_report_rate_key(user_id), 0)))


NOT_FOUND = "We couldn't find what you wanted to report."


def resolve_report_target(viewer, target_type: str, target_id: int):
    """The thing ``viewer`` wants to report, if it exists and they can see it.

    The rules are the ones the rest of the site applies: a message as the chat
    shows it (never one by someone in a block with the viewer, nor a deleted or
    hidden one), a meetup to the members of its circle, a circle to its members
    or to anyone who may see its about page, a person to those who share or
    shared a circle with them or blocked them. Anything else raises
    TargetNotFound with the very words of a missing thing; the viewer's own
    content raises ModerationError.
    """
    if target_type not in Report.TargetType.values:
        raise TargetNotFound("That is not something that can be reported.")
    obj = queue.target_object(target_type, target_id)
    if obj is None or not _can_see_target(viewer, target_type, obj):
        raise TargetNotFound(NOT_FOUND)
    if queue.target_person_id(target_type, obj) == viewer.pk:
        raise ModerationError("You can't report yourself or your own messages.")
    return obj


def _can_see_target(viewer, target_type: str, obj) -> bool:
    if target_type == Report.TargetType.MESSAGE:
        if not is_active_member(viewer, obj.circle_id):
            return False
        visible = get_visible_message(viewer, obj.circle_id, obj.pk)
        return visible is not None and visible.deleted_at is None and visible.hidden_at is None
    if target_type == Report.TargetType.MEETUP:
        circle_id = queue.target_circle_id(target_type, obj)
        return circle_id is not None and is_active_member(viewer, circle_id)
    if target_type == Report.TargetType.CIRCLE:
        return is_active_member(viewer, obj.pk) or browsable_circle(obj.pk) is not None
    if target_type == Report.TargetType.MEMBER:
        if not obj.is_active:
            return False
        if obj.pk == viewer.pk:
            return True  # refused with its own words by the caller
        return (
            ever_shared_a_circle(viewer.pk, obj.pk)
            or Block.objects.filter(blocker_id=viewer.pk, blocked_id=obj.pk).exists()
        )
    return False


def file_report(reporter, target_type: str, target_id: int, reason: str, note: str = ""):
    """Record a report. Rate-limited per person; the reported person is never told who."""
    resolve_report_target(reporter, target_type, target_id)
    if reason not in reasons_for(target_type):
        raise ModerationError("Choose one of the reasons offered for the report.")
    key = _report_rate_key(reporter.pk)
    if int(cache.get(key, 0)) >= REPORTS_PER_HOUR:
        raise ReportRateLimited(
            "You have sent many reports in the last hour. Please wait a little; "
            "if someone is in danger, use “Need help now”."
        )
    report = Report.objects.create(
        reporter=reporter,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        note=(note or "").strip()[:2000],
    )
    # A fixed one-hour window that starts with the first report; counted after
    # success so mistakes (nonexistent targets) don't use up the allowance.
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=3600)
    return report


# --- Who may act -----------------------------------------------------------


def actor_role(actor, circle_id: int | None) -> str | None:
    """ "moderator" anywhere, "facilitator" in their own circle, else None."""
    if is_moderator(actor):
        return "moderator"
    if circle_id is not None and is_facilitator(actor, circle_id):
        return "facilitator"
    return None


def _authorize(actor, kind: str, circle_id: int | None, ends_at, target_user_id) -> str:
    role = actor_role(actor, circle_id)
    if role is None:
        raise PermissionDenied("You can't take moderation actions here.")
    if role == "facilitator":
        if kind not in FACILITATOR_ACTIONS:
            raise PermissionDenied(
                "Only a site moderator can do that. A facilitator can hide a message, "
                "mute someone for up to 24 hours, or remove someone from the circle."
            )
        if kind == Action.MUTE and ends_at - timezone.now() > FACILITATOR_MAX_MUTE:
            raise PermissionDenied("A facilitator can mute someone for up to 24 hours.")
        if target_user_id is not None:
            target = get_user_model().objects.filter(pk=target_user_id).first()
            if target is not None and is_moderator(target):
                raise PermissionDenied("A facilitator can't act on a site moderator.")
    return role


# --- Actions ---------------------------------------------------------------


@dataclass
class ActionResult:
    action: ModerationAction
    warning: ModerationWarning | None = None


def take_action(
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

    Raises PermissionDenied when ``actor`` may not do this here and
    ModerationError for bad input; in both cases nothing is changed.
    """
    reason = (reason or "").strip()
    if kind not in Action.values or kind not in {*APPEALABLE_KINDS, Action.DISMISS}:
        raise ModerationError("Choose an action.")
    if not reason:
        raise ModerationError("Give a reason: it is recorded and shown to the person.")
    if message is not None:
        circle = message.circle
        user = message.author
    circle_id = circle.pk if circle is not None else None
    report_list = list(reports)
    if kind == Action.MUTE:
        if ends_at is None:
            raise ModerationError("A mute needs an end time.")
    if ends_at is not None and ends_at <= timezone.now():
        raise ModerationError("The end time must be in the future.")
    role = _authorize(actor, kind, circle_id, ends_at, user.pk if user else None)
    if user is not None and user.pk == actor.pk:
        raise ModerationError("You can't take a moderation action on yourself.")
    if kind == Action.DISMISS and not report_list:
        raise ModerationError("There are no open reports to dismiss.")
    if kind in {Action.WARN, Action.MUTE, Action.REMOVE, Action.SUSPEND} and user is None:
        raise ModerationError("Choose the person this action is about.")
    if kind == Action.HIDE_MESSAGE and message is None:
        raise ModerationError("Choose the message to hide.")
    if kind in {Action.MUTE, Action.REMOVE}:
        if circle is None:
            raise ModerationError("Choose the circle.")
        if not is_active_member(user, circle.pk):
            raise ModerationError("That person is not a member of this circle.")
    if any(r.status != Report.Status.OPEN for r in report_list):
        raise ModerationError("Some of these reports were already handled.")

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
        if user is not None and kind != Action.DISMISS:
            _tell_the_person(entry, user, circle, warning)
    return ActionResult(entry, warning)


def _apply(entry: ModerationAction, actor, *, user, circle, message):
    kind = entry.kind
    if kind == Action.WARN:
        return ModerationWarning.objects.create(user=user, action_id=entry.pk, text=entry.reason)
    if kind == Action.HIDE_MESSAGE:
        Message.objects.filter(pk=message.pk).update(hidden_at=timezone.now(), hidden_by=actor)
        broadcast_message_changed(message.pk)
    elif kind == Action.MUTE:
        assert entry.ends_at is not None  # take_action refuses a mute without an end
        Mute.objects.create(
            circle=circle, user=user, ends_at=entry.ends_at, reason=entry.reason, created_by=actor
        )
    elif kind == Action.REMOVE:
        membership = active_membership(user, circle.pk)
        assert membership is not None  # take_action checked that they are a member
        membership_end(membership, MembershipEndReason.REMOVED)
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
    return None


def end_web_sessions(user_id: int) -> int:
    """Delete every stored session logged in as ``user_id``.

    The database session store has no index by user, so sessions are decoded
    and checked; the middleware still logs out any session this misses (e.g.
    a cache session backend) on its next request.
    """
    doomed = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


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
        body = (
            "A moderator reviewed your report and took action under the community "
            "guidelines. To protect everyone's privacy we don't share the details. "
            "Thank you for looking out for your circle."
        )
    else:
        body = (
            "A moderator reviewed your report and found no breach of the community "
            "guidelines this time. Thank you for telling us; you can always report again "
            "or block someone."
        )
    for reporter_id in {r.reporter_id for r in reports if r.reporter_id}:
        reporter = get_user_model().objects.filter(pk=reporter_id).first()
        if reporter is not None:
            notify(reporter, Kind.MODERATION, "Your report was reviewed", body)


def appeal_link_token(action_id: int) -> str:
    return signing.dumps(action_id, salt=APPEAL_LINK_SALT)


def action_from_appeal_token(token: str) -> ModerationAction | None:
    try:
        action_id = signing.loads(token, salt=APPEAL_LINK_SALT, max_age=APPEAL_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return ModerationAction.objects.filter(pk=action_id).first()


def _tell_the_person(entry: ModerationAction, user, circle, warning) -> None:
    """What happened, why, and how to appeal."""
    where = f" in {circle.name}" if circle is not None else ""
    until = f" until {entry.ends_at:%d %B %Y %H:%M} UTC" if entry.ends_at else ""
    texts: dict[str, str] = {
        Action.WARN: "You have received a warning",
        Action.HIDE_MESSAGE: f"One of your messages{where} was hidden",
        Action.MUTE: f"You are muted{where}{until}: you can read but not post",
        Action.REMOVE: f"You were removed from {circle.name if circle else 'a circle'}",
        Action.SUSPEND: f"Your account is suspended{until or ' until further notice'}",
    }
    what = texts[entry.kind]
    if entry.kind == Action.SUSPEND:
        # A suspended person cannot log in, so the email carries a signed appeal link.
        url = reverse("moderation:appeal_by_link", args=[appeal_link_token(entry.pk)])
    elif warning is not None:
        url = reverse("moderation:warning", args=[warning.pk])
    else:
        url = reverse("moderation:appeal", args=[entry.pk])
    body = (
        f"{what}.\n\nWhy: {entry.reason}\n\n"
        "If you think this was a mistake, you can appeal: open the link and tell a "
        "moderator what happened. A different person will look at it."
    )
    notify(user, Kind.MODERATION, what, body, url)


# --- Appeals ---------------------------------------------------------------


def file_appeal(user, action: ModerationAction, text: str) -> Appeal:
    """The acted-on person asks for a second look; it joins the queue as an appeal."""
    if action.target_user_id != user.pk:
        raise PermissionDenied("You can only appeal an action about you.")
    if action.kind not in APPEALABLE_KINDS:
        raise ModerationError("This can't be appealed.")
    text = (text or "").strip()
    if not text:
        raise ModerationError("Tell us why you are appealing.")
    try:
        with transaction.atomic():
            return Appeal.objects.create(action=action, appellant=user, text=text[:2000])
    except IntegrityError:
        raise ModerationError("You already have an appeal waiting on this action.") from None


def decide_appeal(moderator, appeal: Appeal, overturn: bool, reason: str) -> ModerationAction:
    """A moderator upholds or reverses the action; both are audited and the person told."""
    if not is_moderator(moderator):
        raise PermissionDenied("Only a site moderator can decide an appeal.")
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("Give a reason: it is recorded and shown to the person.")
    if appeal.status != Appeal.Status.OPEN:
        raise ModerationError("This appeal was already decided.")
    action = appeal.action
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.OPEN:
            raise ModerationError("This appeal was already decided.")
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
            title = "Your appeal was accepted"
            extra = (
                " You can ask to join the circle again."
                if action.kind == Action.REMOVE
                else " The action has been reversed."
            )
        else:
            title, extra = "Your appeal was reviewed: the decision stands", ""
        notify(appeal.appellant, Kind.MODERATION, title, f"{reason}{extra}")
    return entry


def _undo(action: ModerationAction) -> None:
    now = timezone.now()
    # take_action records the person, circle and message each kind acts on.
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
    elif action.kind == Action.HIDE_MESSAGE:
        assert action.message_id is not None
        Message.objects.filter(pk=action.message_id).update(hidden_at=None, hidden_by=None)
        broadcast_message_changed(action.message_id)
    elif action.kind == Action.WARN:
        ModerationWarning.objects.filter(action_id=action.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
    # A removal is not undone automatically: the seat may be taken by now.


def acknowledge_warning(user, warning: ModerationWarning) -> None:
    if warning.user_id != user.pk:
        raise PermissionDenied("This warning is not for you.")
    ModerationWarning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )


# --- Blocks ----------------------------------------------------------------


def block_user(blocker, blocked) -> Block:
    """Block someone: both stop seeing each other's messages and are never matched."""
    if blocked.pk == blocker.pk:
        raise ModerationError("You can't block yourself.")
    from connect.chat.realtime import push_blocks_changed

    with transaction.atomic():
        block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        if created:  # open chat sockets of both people hide each other at once
            push_blocks_changed(blocker.pk, blocked.pk)
    return block


def unblock_user(blocker, blocked_id: int) -> bool:
    from connect.chat.realtime import push_blocks_changed

    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
        if deleted:
            push_blocks_changed(blocker.pk, blocked_id)
    return bool(deleted)


def shared_circles(user, other_id: int):
    """Circles both people are active members of now."""
    mine = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values("circle_id")
    return Circle.objects.filter(
        pk__in=mine,
        memberships__user_id=other_id,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name")


def leave_to_be_rematched(user, circle_id: int) -> None:
    """Leave the circle (freeing the seat) and wait for the next matching round."""
    membership = active_membership(user, circle_id)
    if membership is None:
        raise ModerationError("You are not a member of that circle.")
    membership_end(membership, MembershipEndReason.BLOCKED_REMATCH)


# --- Crisis alerts ---------------------------------------------------------


def raise_crisis_alert(message: Message) -> CrisisAlert | None:
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
        notify(
            person,
            Kind.MODERATION,
            "Crisis alert: someone in a circle may need care",
            "A chat message may show someone in crisis. Please look at it now and "
            "check in with care; the writer has been shown crisis resources.",
            url,
        )
    return alert


def handle_crisis_alert(actor, alert: CrisisAlert, note: str) -> ModerationAction:
    role = actor_role(actor, alert.circle_id)
    if role is None:
        raise PermissionDenied("Only the circle's facilitators and moderators can do that.")
    note = (note or "").strip()
    if not note:
        raise ModerationError("Say briefly what you did (it is recorded).")
    with transaction.atomic():
        updated = CrisisAlert.objects.filter(pk=alert.pk, status=CrisisAlert.Status.OPEN).update(
            status=CrisisAlert.Status.HANDLED, handled_at=timezone.now(), handled_by_id=actor.pk
        )
        if not updated:
            raise ModerationError("This alert was already handled.")
        return ModerationAction.objects.create(
            kind=Action.CRISIS_HANDLED,
            actor_id=actor.pk,
            actor_role=role,
            target_user_id=alert.author_id,
            circle_id=alert.circle_id,
            message_id=alert.message_id,
            reason=note,
        )
