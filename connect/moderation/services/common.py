"""What every moderation service shares: the error types and who may act."""

from connect.circles.selectors import is_facilitator
from connect.safety.services import ReportRateLimited as SafetyReportRateLimited
from connect.safety.services import SafetyError

from ..models import ModerationAction
from ..selectors import is_moderator

Action = ModerationAction.Kind


class ModerationError(SafetyError):
    """Bad input for a safety operation; the message is shown to the person."""


class ReportRateLimited(ModerationError, SafetyReportRateLimited):
    """Too many reports from one person within the hour."""


class TargetNotFound(ModerationError):
    """The reported thing does not exist, or the reporter cannot see it."""


def actor_role(actor, circle_id: int | None) -> str | None:
    """ "moderator" anywhere, "facilitator" in their own circle, else None."""
    if is_moderator(actor):
        return "moderator"
    if circle_id is not None and is_facilitator(actor, circle_id):
        return "facilitator"
    return None
