"""Join requests: someone browsing asks to join an open circle; a facilitator decides."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import has_agreed
from connect.notifications.models import Kind
from connect.safety.selectors import blocked_ids, is_suspended

from ..language import notify_in_language
from ..models import Circle, JoinRequest, Membership
from .common import (
    CircleError,
    circle_url,
    lock_circle,
    members_in,
    pending_invitation_count,
    require_agreed,
    require_facilitator,
)
from .memberships import membership_add, membership_welcome


@transaction.atomic
def join_request_create(user, circle_id: int, note: str = "") -> JoinRequest:
    """Ask to join an open circle with a short note; its facilitators are told."""
    require_agreed(user)
    circle = lock_circle(circle_id)
    if circle.status not in (Circle.Status.ACTIVE, Circle.Status.PAUSED):
        raise CircleError(
            gettext("This circle is not taking new members: it has closed or not started.")
        )
    if circle.join_policy != Circle.JoinPolicy.OPEN:
        raise CircleError(gettext("This circle is not taking join requests right now."))
    if is_suspended(user.pk):
        raise CircleError(
            gettext("Your account is suspended, so you can't join a circle right now.")
        )
    if Membership.objects.filter(
        circle=circle, user=user, status=Membership.Status.ACTIVE
    ).exists():
        raise CircleError(gettext("You are already a member of this circle."))
    if circle.open_seats(pending_invitation_count(circle.pk)) <= 0:
        raise CircleError(gettext("This circle is full."))
    blocked = blocked_ids(user.pk)
    if members_in(circle, blocked):
        # Deliberately vague: a block is never revealed.
        raise CircleError(gettext("You can't ask to join this circle."))
    if JoinRequest.objects.filter(
        circle=circle, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise CircleError(gettext("You have already asked to join this circle."))
    req = JoinRequest.objects.create(circle=circle, user=user, note=(note or "").strip()[:300])
    for m in (
        Membership.objects.filter(
            circle=circle, status=Membership.Status.ACTIVE, role=Membership.Role.FACILITATOR
        )
        .exclude(user_id__in=blocked)
        .select_related("user")
    ):
        notify_in_language(
            m.user,
            Kind.JOIN_REQUEST,
            format_lazy(
                _("{person} asked to join {name}"), person=user.display_name, name=circle.name
            ),
            req.note,
            url=circle_url(circle),
        )
    return req


def _lock_request(request_id: int) -> tuple[Circle, JoinRequest]:
    circle_id = (
        JoinRequest.objects.filter(pk=request_id).values_list("circle_id", flat=True).first()
    )
    if circle_id is None:
        raise CircleError(gettext("That join request does not exist."))
    circle = lock_circle(circle_id)
    return circle, JoinRequest.objects.select_for_update().select_related("user").get(pk=request_id)


@transaction.atomic
def join_request_approve(facilitator, request_id: int) -> Membership:
    """A facilitator says yes: the person takes a seat."""
    circle, req = _lock_request(request_id)
    require_facilitator(facilitator, circle)
    if req.status != JoinRequest.Status.PENDING:
        raise CircleError(gettext("This join request has already been answered or withdrawn."))
    if circle.status not in (Circle.Status.ACTIVE, Circle.Status.PAUSED):
        raise CircleError(gettext("This circle is not taking new members."))
    if (
        is_suspended(req.user_id)
        or not has_agreed(req.user)
        or members_in(circle, blocked_ids(req.user_id))
    ):
        # One calm answer for every reason: a block or a suspension is never revealed.
        raise CircleError(gettext("This person can't join this circle right now."))
    if circle.open_seats(pending_invitation_count(circle.pk)) <= 0:
        raise CircleError(gettext("This circle is full."))
    membership = membership_add(circle, req.user)
    req.status = JoinRequest.Status.APPROVED
    req.decided_at = timezone.now()
    req.decided_by = facilitator
    req.save(update_fields=["status", "decided_at", "decided_by"])
    notify_in_language(
        req.user,
        Kind.JOIN_REQUEST,
        format_lazy(_("Welcome to {name}"), name=circle.name),
        _("The facilitator approved your request to join."),
        url=circle_url(circle),
    )
    membership_welcome(circle, req.user)
    return membership


@transaction.atomic
def join_request_decline(facilitator, request_id: int) -> JoinRequest:
    """A facilitator says no, kindly."""
    circle, req = _lock_request(request_id)
    require_facilitator(facilitator, circle)
    if req.status != JoinRequest.Status.PENDING:
        raise CircleError(gettext("This join request has already been answered or withdrawn."))
    req.status = JoinRequest.Status.DECLINED
    req.decided_at = timezone.now()
    req.decided_by = facilitator
    req.save(update_fields=["status", "decided_at", "decided_by"])
    notify_in_language(
        req.user,
        Kind.JOIN_REQUEST,
        format_lazy(_("Your request to join {name}"), name=circle.name),
        _(
            "The facilitator couldn't take you into this circle. Other circles are open, and "
            "matching rounds keep looking for you."
        ),
        url=reverse("circles:browse"),
    )
    return req


@transaction.atomic
def join_request_withdraw(user, request_id: int) -> JoinRequest:
    """The person who asked takes the request back."""
    _circle, req = _lock_request(request_id)
    if req.user_id != user.pk:
        raise CircleError(gettext("That join request does not exist."))
    if req.status != JoinRequest.Status.PENDING:
        raise CircleError(gettext("This join request has already been answered or withdrawn."))
    req.status = JoinRequest.Status.WITHDRAWN
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_at"])
    return req
