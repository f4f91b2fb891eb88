"""Signals the safety records send, and the requests apps below moderation make.

Apps above safety (chat's sockets, moderation's queue) answer them, so this app
and chat never import the moderation workflow.
"""

from django.dispatch import Signal

# A block between two people was added or lifted: kwargs ``user_id``, ``other_id``.
# Sent inside the block's transaction; receivers defer their work to commit.
blocks_changed = Signal()

# Someone asks the moderators to look at a chat message: kwargs ``reporter``,
# ``message_id``, ``reason`` (a ReportReason value), ``note``. The receiver
# files the report (or returns the reporter's open one) and returns it, or
# raises SafetyError (ReportRateLimited when over the hourly allowance).
message_report_requested = Signal()

# A suspension started: kwarg ``user_id``. Sent after the transaction that
# wrote it commits; apps that hold live access (video rooms) end it.
suspension_started = Signal()
