"""Reads for the circle chat: who may use it, what a reader may see, unread counts."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from connect.circles.models import Membership
from connect.moderation.models import Mute, Suspension
from connect.moderation.selectors import blocked_ids, is_suspended

from . import presence
from .models import Message, ReadState

PAGE_SIZE = 50

# Outcomes of ``chat_access``.
OK = "ok"
ANONYMOUS = "anonymous"
NOT_MEMBER = "not_member"
SUSPENDED = "suspended"
MUTED = "muted"


def chat_access(user, circle_id: int) -> str:
    """May ``user`` use this circle's chat? One of OK, MUTED (may read, not
    post), ANONYMOUS, NOT_MEMBER, SUSPENDED."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    # One query on the hot path (every send re-checks): the membership with
    # suspension and mute as EXISTS subqueries, mirroring moderation.selectors.
    now = timezone.now()
    row = (
        Membership.objects.filter(user=user, circle_id=circle_id, status=Membership.Status.ACTIVE)
        .annotate(
            suspended=Exists(
                Suspension.objects.filter(
                    user_id=user.pk, lifted_at__isnull=True, starts_at__lte=now
                ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            ),
            muted=Exists(
                Mute.objects.filter(
                    user_id=user.pk, circle_id=circle_id, lifted_at__isnull=True, ends_at__gt=now
                )
            ),
        )
        .values_list("suspended", "muted")
        .first()
    )
    if row is None:
        return SUSPENDED if is_suspended(user.pk) else NOT_MEMBER
    suspended, muted = row
    if suspended:
        return SUSPENDED
    return MUTED if muted else OK


def can_read(access: str) -> bool:
    return access in (OK, MUTED)


def visible_messages(user, circle_id: int, hidden_ids=None):
    """The circle's messages as ``user`` may see them: nothing from anyone in
    a block with them. Deleted and hidden ones stay (shown as placeholders)."""
    hidden_ids = blocked_ids(user.pk) if hidden_ids is None else hidden_ids
    return (
        Message.objects.filter(circle_id=circle_id)
        .exclude(author_id__in=hidden_ids)
        .select_related("author__profile")
    )


def message_page(user, circle_id: int, *, before=None, after=None, limit=PAGE_SIZE):
    """A page of messages in id order, by cursor (never offset).

    ``after``: the (up to ``limit``) oldest messages newer than that id — what a
    reconnecting client missed. ``before``: the newest ones older than that id
    ("load earlier"). Neither: the latest ``limit``. Returns (messages, has_more),
    where has_more says whether more exist beyond the page in its direction.
    """
    qs = visible_messages(user, circle_id)
    if after is not None:
        rows = list(qs.filter(id__gt=after).order_by("id")[: limit + 1])
        return rows[:limit], len(rows) > limit
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    has_more = len(rows) > limit
    return list(reversed(rows[:limit])), has_more


def get_visible_message(user, circle_id: int, message_id) -> Message | None:
    return visible_messages(user, circle_id).filter(pk=message_id).first()


def last_read_id(user, circle_id: int) -> int:
    state = ReadState.objects.filter(user=user, circle_id=circle_id).first()
    return state.last_read_id if state else 0


def _unread_queryset(user):
    last_read = ReadState.objects.filter(user=user, circle_id=OuterRef("circle_id")).values(
        "last_read_id"
    )[:1]
    return (
        Message.objects.filter(
            circle__memberships__user=user,
            circle__memberships__status=Membership.Status.ACTIVE,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .exclude(author=user)
        .exclude(author_id__in=blocked_ids(user.pk))
        .filter(id__gt=Coalesce(Subquery(last_read), 0))
    )


def unread_counts_for(user) -> dict[int, int]:
    """Unread messages per circle for the dashboard: {circle_id: count}, only
    circles with something unread (two queries however many circles)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = (
        _unread_queryset(user)
        .order_by()
        .values("circle_id")
        .annotate(n=Count("id"))
        .values_list("circle_id", "n")
    )
    return {circle_id: n for circle_id, n in rows if n}


def unread_total_for(user) -> int:
    """All unread chat messages across the person's circles."""
    return sum(unread_counts_for(user).values())


def member_names(circle_id: int) -> dict[int, str]:
    """Active members' display names by user id."""
    rows = Membership.objects.filter(
        circle_id=circle_id, status=Membership.Status.ACTIVE
    ).select_related("user__profile")
    return {m.user_id: m.user.display_name for m in rows}


def online_members(circle_id: int, viewer_id: int | None = None) -> list[dict]:
    """Members with an open chat socket now, minus anyone in a block with the viewer."""
    names = member_names(circle_id)
    online = presence.online_user_ids(circle_id, names)
    hidden = blocked_ids(viewer_id) if viewer_id else set()
    return [
        {"id": uid, "name": names[uid]}
        for uid in sorted(online, key=lambda u: names[u].lower())
        if uid not in hidden
    ]
