"""Who may do what in a circle: the one place views and services ask.

Each ``access_*`` helper returns what was asked for or raises
``connect.access.AccessDenied``. Anyone outside a circle is answered as if it
did not exist (404), so nothing about a circle leaks to strangers.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from connect.access import AccessDenied, not_found, valid_id

from . import selectors
from .models import Circle, Invitation, JoinRequest, Membership

NO_CIRCLE = _("No such circle.")
NO_INVITATION = _("That invitation does not exist.")
NO_JOIN_REQUEST = _("That join request does not exist.")
JOIN_DECISIONS = ("approve", "decline")


def access_circle_as_member(user, circle_id, message: str | Promise = NO_CIRCLE) -> Membership:
    """The person's active membership of the circle (its circle loaded), or 404."""
    membership = selectors.active_membership(user, valid_id(circle_id, message))
    if membership is None:
        raise not_found(message)
    return membership


def access_circle_as_facilitator(user, circle_id, message: str | Promise = NO_CIRCLE) -> Membership:
    """The facilitator's membership of the circle, or 404 for everyone else."""
    membership = access_circle_as_member(user, circle_id, message)
    if not membership.is_facilitator:
        raise not_found(message)
    return membership


def access_invitation(user, invitation_id, message: str | Promise = NO_INVITATION) -> Invitation:
    """The person's own invitation; anyone else's answers like a missing one (404)."""
    invitation = selectors.invitation_for(user, valid_id(invitation_id, message))
    if invitation is None:
        raise not_found(message)
    return invitation


def access_browsable_circle(circle_id) -> Circle:
    """A circle that browsing shows (open to join requests), or 404."""
    circle = selectors.browsable_circle(valid_id(circle_id, NO_CIRCLE))
    if circle is None:
        raise not_found(NO_CIRCLE)
    return circle


def access_join_request_for_decision(user, request_id, decision: str = "approve") -> JoinRequest:
    """A join request the person may answer (approve or decline): only the
    facilitator of its circle; everyone else, and any other decision, gets 404."""
    if decision not in JOIN_DECISIONS:
        raise not_found(NO_JOIN_REQUEST)
    request = JoinRequest.objects.filter(pk=valid_id(request_id, NO_JOIN_REQUEST)).first()
    if request is None or not selectors.is_facilitator(user, request.circle_id):
        raise not_found(NO_JOIN_REQUEST)
    return request


__all__ = [
    "AccessDenied",
    "access_browsable_circle",
    "access_circle_as_facilitator",
    "access_circle_as_member",
    "access_invitation",
    "access_join_request_for_decision",
]
