"""Writes for the moderation workflow, one module per job.

``reports`` (what can be reported and filing a report), ``actions`` (every
moderation action goes through ``moderation_action_take``: it checks who may do what
where, applies the effect, writes the audit log entry, resolves the reports it
answers and tells the people concerned, all in one transaction), ``appeals``
(appeals and acknowledging warnings), ``crisis`` (crisis alerts) and
``blocks`` (what a person may do after blocking someone). Blocks themselves
are written by ``connect.safety.services``.
"""

from ..permissions import FACILITATOR_ACTIONS, FACILITATOR_MAX_MUTE
from .actions import (
    APPEAL_LINK_MAX_AGE,
    APPEAL_LINK_SALT,
    ActionResult,
    action_from_appeal_token,
    appeal_link_token,
    moderation_action_take,
)
from .appeals import appeal_create, appeal_decide, warning_acknowledge
from .blocks import membership_end_and_rematch, shared_circles
from .common import Action, ModerationError, ReportRateLimited, TargetNotFound, actor_role
from .crisis import CRISIS_ALERT_QUIET, crisis_alert_handle, crisis_alert_raise
from .reports import (
    NOT_FOUND,
    REASONS_FOR,
    REPORTS_PER_HOUR,
    reasons_for,
    report_create,
    report_target_resolve,
    reports_left,
)

__all__ = [
    "APPEAL_LINK_MAX_AGE",
    "APPEAL_LINK_SALT",
    "CRISIS_ALERT_QUIET",
    "FACILITATOR_ACTIONS",
    "FACILITATOR_MAX_MUTE",
    "NOT_FOUND",
    "REASONS_FOR",
    "REPORTS_PER_HOUR",
    "Action",
    "ActionResult",
    "ModerationError",
    "ReportRateLimited",
    "TargetNotFound",
    "warning_acknowledge",
    "action_from_appeal_token",
    "actor_role",
    "appeal_link_token",
    "appeal_decide",
    "appeal_create",
    "report_create",
    "crisis_alert_handle",
    "membership_end_and_rematch",
    "crisis_alert_raise",
    "reasons_for",
    "reports_left",
    "report_target_resolve",
    "shared_circles",
    "moderation_action_take",
]
