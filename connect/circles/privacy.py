"""Personal data of the circles app, for data export and account deletion.

The moderation app's export/erase discovers every app's ``privacy`` module.
"""

from django.db import transaction
from django.utils import timezone

from connect.notifications.models import Kind, Notification
from connect.notifications.services import notifications_rewrite

from .models import Invitation, JoinRequest, Membership, MembershipEndReason, StayOpenVote


def export_personal_data(user) -> dict:
    """Everything this app holds about ``user`` (no other member's data)."""
    return {
        "memberships": [
            {
                "circle": m.circle.name,
                "role": m.role,
                "status": m.status,
                "joined_at": m.joined_at.isoformat(),
                "ended_at": m.ended_at.isoformat() if m.ended_at else None,
            }
            for m in Membership.objects.filter(user=user).select_related("circle")
        ],
        "invitations": [
            {
                "circle": i.circle.name,
                "kind": i.kind,
                "status": i.status,
                "created_at": i.created_at.isoformat(),
                "expires_at": i.expires_at.isoformat(),
                "responded_at": i.responded_at.isoformat() if i.responded_at else None,
                "shared_topics": i.shared_topics,
                "distance_km": i.distance_km,
            }
            for i in Invitation.objects.filter(user=user).select_related("circle")
        ],
        "join_requests": [
            {
                "circle": r.circle.name,
                "note": r.note,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            }
            for r in JoinRequest.objects.filter(user=user).select_related("circle")
        ],
    }


def erase_personal_data(user) -> None:
    """End memberships (freeing seats, keeping each circle facilitated), withdraw
    pending invitations and join requests, and drop notes and votes."""
    from .services.lifecycle import circle_dissolve_if_unable_to_start, membership_end

    for membership in Membership.objects.filter(user=user, status=Membership.Status.ACTIVE):
        membership_end(membership, MembershipEndReason.ACCOUNT_DELETED)
    now = timezone.now()
    with transaction.atomic():
        forming = list(
            Invitation.objects.filter(user=user, status=Invitation.Status.PENDING).values_list(
                "circle_id", flat=True
            )
        )
        Invitation.objects.filter(user=user, status=Invitation.Status.PENDING).update(
            status=Invitation.Status.WITHDRAWN, responded_at=now
        )
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).update(
            status=JoinRequest.Status.WITHDRAWN, decided_at=now
        )
        # Facilitators were told "<name> asked to join" with the note as the body:
        # the note goes from those notifications too (the names go in
        # connect.moderation.privacy, with every other notification).
        notes = {
            n for n in JoinRequest.objects.filter(user=user).values_list("note", flat=True) if n
        }
        if notes:
            notifications_rewrite(
                Notification.objects.filter(kind=Kind.JOIN_REQUEST, body__in=notes).exclude(
                    user=user
                ),
                lambda text: "" if text in notes else text,
            )
        JoinRequest.objects.filter(user=user).update(note="")
        StayOpenVote.objects.filter(user=user).delete()
    for circle_id in forming:
        circle_dissolve_if_unable_to_start(circle_id)
