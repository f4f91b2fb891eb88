"""What every moderation service shares: the error types, and who may act
(``actor_role``, from ``permissions``)."""

from connect.safety.services import ReportRateLimited as SafetyReportRateLimited
from connect.safety.services import SafetyError

from ..models import ModerationAction
from ..permissions import actor_role  # noqa: F401  (re-exported for the services)

Action = ModerationAction.Kind


class ModerationError(SafetyError):
    """Bad input for a safety operation; the message is shown to the person."""


class ReportRateLimited(ModerationError, SafetyReportRateLimited):
    """Too many reports from one person within the hour."""


class TargetNotFound(ModerationError):
    """The reported thing does not exist, or the reporter cannot see it."""
