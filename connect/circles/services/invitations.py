"""Invitations from matching rounds: create, accept, decline, expire.

A declined or expired invitation frees its seat for the next matching round
(open seats = capacity − members − pending invitations), not at once.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from connect.notifications.models import Kind
from connect.notifications.services import emails_enqueue, notifications_mark_read
from connect.safety.selectors import is_suspended

from ..geo import rounded_km
from ..language import notify_in_language
from ..models import Circle, Invitation, MatchRound, Membership
from .common import CircleError, lock_circle, require_agreed
from .lifecycle import circle_dissolve_if_unable_to_start
from .memberships import membership_add, membership_welcome


def invitations_create(
    circle: Circle,
    member_ids: Sequence[int],
    *,
    kind: str,
    topic_slugs: Iterable[str] = (),
    match_round: MatchRound | None = None,
    scores: Sequence[float] | None = None,
) -> list[Invitation]:
    """Pending invitations (+ in-app notifications, + email tasks on commit)."""
    expires = timezone.now() + timedelta(hours=settings.CONNECT_INVITATION_HOURS)
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=list(member_ids))}
    created = []
    for index, uid in enumerate(member_ids):
        p = profiles.get(uid)
        km = (
            rounded_km(p.lat, p.lon, circle.lat, circle.lon)
            if p is not None and circle.mode == Circle.Mode.IN_PERSON
            else None
        )
        inv = Invitation.objects.create(
            circle=circle,
            user_id=uid,
            match_round=match_round,
            kind=kind,
            expires_at=expires,
            shared_topics=list(topic_slugs),
            distance_km=km,
            score=float(scores[index]) if scores and index < len(scores) else 0.0,
        )
        created.append(inv)
        title = format_lazy(
            _("You're invited to {name}")
            if kind == Invitation.Kind.NEW_CIRCLE
            else _("A seat is open for you in {name}"),
            name=circle.name,
        )
        # The in-app copy; the email (with its signed links) is the outbox's.
        notify_in_language(
            inv.user,
            Kind.INVITATION,
            title,
            _("See why you were matched, and accept or decline before it expires."),
            url=_page(inv.pk),
            email=False,
        )
    emails_enqueue((inv.user, Kind.INVITATION, "invitation", inv.pk) for inv in created)
    return created


def _page(invitation_id: int) -> str:
    return reverse("circles:invitation", args=[invitation_id])


def _answered(inv: Invitation) -> None:
    """Record the answer; the in-app notice about it has done its job."""
    inv.responded_at = timezone.now()
    inv.save(update_fields=["status", "responded_at"])
    notifications_mark_read(inv.user_id, kind=Kind.INVITATION, url=_page(inv.pk))


INVITATION_STATUS_MESSAGES = {
    Invitation.Status.ACCEPTED: _("You have already accepted this invitation."),
    Invitation.Status.DECLINED: _("You have already declined this invitation."),
    Invitation.Status.EXPIRED: _("This invitation has expired."),
    Invitation.Status.WITHDRAWN: _("This invitation is no longer open: the circle has changed."),
}


def _check_invitation(inv: Invitation, user) -> None:
    if inv.user_id != user.pk:
        raise CircleError(
            gettext("This invitation is for someone else. Log in as the person invited.")
        )
    if inv.status != Invitation.Status.PENDING:
        raise CircleError(INVITATION_STATUS_MESSAGES[Invitation.Status(inv.status)])
    if inv.expires_at <= timezone.now():
        raise CircleError(gettext("This invitation has expired."))


def _lock_invitation(invitation_id: int) -> tuple[Circle, Invitation]:
    circle_id = (
        Invitation.objects.filter(pk=invitation_id).values_list("circle_id", flat=True).first()
    )
    if circle_id is None:
        raise CircleError(gettext("That invitation does not exist."))
    circle = lock_circle(circle_id)
    inv = Invitation.objects.select_for_update().get(pk=invitation_id)
    return circle, inv


@transaction.atomic
def invitation_accept(user, invitation_id: int, *, volunteer: bool = False) -> Membership:
    """Take the seat offered (row lock + constraints); may activate the circle."""
    circle, inv = _lock_invitation(invitation_id)
    _check_invitation(inv, user)
    require_agreed(user)
    if is_suspended(user.pk):
        raise CircleError(
            gettext("Your account is suspended, so you can't join a circle right now.")
        )
    if circle.status == Circle.Status.CLOSED:
        raise CircleError(gettext("This circle has closed."))
    has_facilitator = Membership.objects.filter(
        circle=circle, status=Membership.Status.ACTIVE, role=Membership.Role.FACILITATOR
    ).exists()
    role = (
        Membership.Role.FACILITATOR if volunteer and not has_facilitator else Membership.Role.MEMBER
    )
    membership = membership_add(circle, user, role)
    inv.status = Invitation.Status.ACCEPTED
    _answered(inv)
    membership_welcome(circle, user)
    return membership


@transaction.atomic
def invitation_decline(user, invitation_id: int) -> Invitation:
    """Say no; the seat is offered again by the next round."""
    circle, inv = _lock_invitation(invitation_id)
    _check_invitation(inv, user)
    inv.status = Invitation.Status.DECLINED
    _answered(inv)
    if circle.status == Circle.Status.FORMING:
        transaction.on_commit(lambda: circle_dissolve_if_unable_to_start(circle.pk))
    return inv


def invitations_expire(now: datetime | None = None) -> int:
    """Expire pending invitations past their time; dissolve forming circles
    that can no longer start. Returns how many expired."""
    at = now or timezone.now()
    due = list(
        Invitation.objects.filter(status=Invitation.Status.PENDING, expires_at__lte=at).values_list(
            "pk", "circle_id"
        )
    )
    circles = set()
    count = 0
    for pk, circle_id in due:
        with transaction.atomic():
            lock_circle(circle_id)
            n = Invitation.objects.filter(
                pk=pk, status=Invitation.Status.PENDING, expires_at__lte=at
            ).update(status=Invitation.Status.EXPIRED, responded_at=at)
            count += n
        circles.add(circle_id)
    stale_forming = Circle.objects.filter(status=Circle.Status.FORMING).exclude(
        invitations__status=Invitation.Status.PENDING
    )
    circles.update(stale_forming.values_list("pk", flat=True))
    for circle_id in sorted(circles):
        circle_dissolve_if_unable_to_start(circle_id)
    return count
