"""Writes about circles, memberships, invitations and join requests.

One module per job: ``lifecycle`` (a circle starts, pauses, loses members and
closes; every membership ends through ``membership_end``), ``memberships``
(taking a seat, handing the facilitator role over), ``invitations``,
``join_requests`` and ``circles`` (creating and renaming). Seat counts change
only under a row lock on the circle, always taken before any membership,
invitation or request row, so two writers never deadlock; the ``member_count
<= capacity`` / one-active-membership constraints back every write. Each
public function raises ``CircleError`` with a message fit to show the person
when it refuses; it then changes nothing.

The rules these services keep are written down in docs/decisions (refilling
seats, who facilitates, pausing below four, dissolving a forming circle).
"""

from .circles import circle_create_from_proposal, circle_name_for, circle_update
from .common import AGREEMENTS_FIRST, CircleError, pending_invitation_count
from .invitations import (
    INVITATION_STATUS_MESSAGES,
    invitation_accept,
    invitation_decline,
    invitations_create,
    invitations_expire,
)
from .join_requests import (
    join_request_approve,
    join_request_create,
    join_request_decline,
    join_request_withdraw,
)
from .lifecycle import (
    DISSOLVED_PRIORITY_ROUNDS,
    circle_activate,
    circle_close,
    circle_dissolve_if_unable_to_start,
    membership_end,
    membership_leave,
    stay_open_vote,
)
from .memberships import facilitator_handover, membership_add, membership_welcome

__all__ = [
    "AGREEMENTS_FIRST",
    "DISSOLVED_PRIORITY_ROUNDS",
    "INVITATION_STATUS_MESSAGES",
    "CircleError",
    "circle_activate",
    "circle_close",
    "circle_create_from_proposal",
    "circle_dissolve_if_unable_to_start",
    "circle_name_for",
    "circle_update",
    "facilitator_handover",
    "invitation_accept",
    "invitation_decline",
    "invitations_create",
    "invitations_expire",
    "join_request_approve",
    "join_request_create",
    "join_request_decline",
    "join_request_withdraw",
    "membership_add",
    "membership_end",
    "membership_leave",
    "membership_welcome",
    "pending_invitation_count",
    "stay_open_vote",
]
