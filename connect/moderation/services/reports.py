"""Reports: what can be reported, by whom, and filing one (rate-limited)."""

from django.core.cache import cache
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from connect.chat.selectors import get_visible_message
from connect.circles.selectors import browsable_circle, is_active_member
from connect.safety.reports import ReportReason
from connect.safety.selectors import has_blocked

from .. import queue
from ..models import Report
from ..selectors import ever_shared_a_circle
from .common import ModerationError, ReportRateLimited, TargetNotFound

REPORTS_PER_HOUR = 10

_R = Report.Reason
# The reasons that fit each kind of target, in the order the form offers them.
REASONS_FOR: dict[str, list[ReportReason]] = {
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


def reasons_for(target_type: str) -> list[ReportReason]:
    """The reasons a report about this kind of target may give."""
    return REASONS_FOR.get(target_type, [])


def _report_rate_key(user_id: int) -> str:
    return f"moderation:reports:{user_id}"


def reports_left(user_id: int) -> int:
    return max(0, REPORTS_PER_HOUR - int(cache.get(_report_rate_key(user_id), 0)))


NOT_FOUND = _("We couldn't find what you wanted to report.")


def report_target_resolve(viewer, target_type: str, target_id: int):
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
        raise TargetNotFound(gettext("That is not something that can be reported."))
    obj = queue.target_object(target_type, target_id)
    if obj is None or not _can_see_target(viewer, target_type, obj):
        raise TargetNotFound(str(NOT_FOUND))
    if queue.target_person_id(target_type, obj) == viewer.pk:
        raise ModerationError(gettext("You can't report yourself or your own messages."))
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
        return ever_shared_a_circle(viewer.pk, obj.pk) or has_blocked(viewer.pk, obj.pk)
    return False


def report_create(reporter, target_type: str, target_id: int, reason: str, note: str = ""):
    """Record a report. Rate-limited per person; the reported person is never told who."""
    report_target_resolve(reporter, target_type, target_id)
    if reason not in reasons_for(target_type):
        raise ModerationError(gettext("Choose one of the reasons offered for the report."))
    key = _report_rate_key(reporter.pk)
    if int(cache.get(key, 0)) >= REPORTS_PER_HOUR:
        raise ReportRateLimited(
            gettext(
                "You have sent many reports in the last hour. Please wait a little; "
                "if someone is in danger, use “Need help now”."
            )
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
