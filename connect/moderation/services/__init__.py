"""Writes for the moderation workflow, one module per job.

``reports`` (what can be reported and filing a report), ``actions`` (every
moderation action goes through ``take_action``: it checks who may do what
where, applies the effect, writes the audit log entry, resolves the reports it
answers and tells the people concerned, all in one transaction), ``appeals``
(appeals and acknowledging warnings), ``crisis`` (crisis alerts) and
``blocks`` (what a person may do after blocking someone). Blocks themselves
are written by ``connect.safety.services``.
"""

from .actions import (
    APPEAL_LINK_MAX_AGE,
    APPEAL_LINK_SALT,
    FACILITATOR_ACTIONS,
    FACILITATOR_MAX_MUTE,
    ActionResult,
    action_from_appeal_token,
    appeal_link_token,
    take_action,
)
from .appeals import acknowledge_warning, decide_appeal, file_appeal
from .blocks import leave_to_be_rematched, shared_circles
from .common import Action, ModerationError, ReportRateLimited, TargetNotFound, actor_role
from .crisis import CRISIS_ALERT_QUIET, handle_crisis_alert, raise_crisis_alert
from .reports import (
    NOT_FOUND,
    REASONS_FOR,
    REPORTS_PER_HOUR,
    file_report,
    reasons_for,
    reports_left,
    resolve_report_target,
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
    "acknowledge_warning",
    "action_from_appeal_token",
    "actor_role",
    "appeal_link_token",
    "decide_appeal",
    "file_appeal",
    "file_report",
    "handle_crisis_alert",
    "leave_to_be_rematched",
    "raise_crisis_alert",
    "reasons_for",
    "reports_left",
    "resolve_report_target",
    "shared_circles",
    "take_action",
]
