"""Reads for the circle chat: who may use it, what a reader may see, unread counts."""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from connect.circles.models import Membership
from connect.queries import CompiledQuery
from connect.safety.models import ModerationWarning, Mute, Suspension
from connect.safety.selectors import blocked_ids, is_suspended

from . import presence
from .models import Message, ReadState

PAGE_SIZE = 50

# Ids are PostgreSQL bigints (SQLite int64): anything outside never names a row
# and must not reach the database (it would raise instead of matching nothing).
MAX_ID = 2**63 - 1


def is_id(value, minimum: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= MAX_ID


# Outcomes of ``chat_access``.
OK = "ok"
ANONYMOUS = "anonymous"
NOT_MEMBER = "not_member"
SUSPENDED = "suspended"
NOT_AGREED = "not_agreed"  # 18+ not confirmed or the current guidelines not accepted
WARNING_PENDING = "warning_pending"  # may read; writes wait until the warning is read
MUTED = "muted"


def _access_row(user_id, circle_id, now):
    """The membership with suspension, unread warning and mute as EXISTS
    subqueries, mirroring moderation.selectors, and the profile's agreements
    by join."""
    return (
        Membership.objects.filter(
            user_id=user_id, circle_id=circle_id, status=Membership.Status.ACTIVE
        )
        .annotate(
            suspended=Exists(
                Suspension.objects.filter(
                    user_id=user_id, lifted_at__isnull=True, starts_at__lte=now
                ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            ),
            warned=Exists(
                ModerationWarning.objects.filter(user_id=user_id, acknowledged_at__isnull=True)
            ),
            muted=Exists(
                Mute.objects.filter(
                    user_id=user_id, circle_id=circle_id, lifted_at__isnull=True, ends_at__gt=now
                )
            ),
        )
        .values_list(
            "suspended",
            "warned",
            "muted",
            "user__profile__adult_confirmed_at",
            "user__profile__guidelines_version",
        )
    )


_ACCESS_ROW = CompiledQuery(_access_row, {"user_id": "int", "circle_id": "int", "now": "instant"})


def chat_access(user, circle_id: int) -> str:
    """May ``user`` use this circle's chat? One of OK, MUTED (may read, not
    post), WARNING_PENDING (may read and report, not write until the
    moderators' warning is read), ANONYMOUS, NOT_MEMBER, SUSPENDED, NOT_AGREED
    (a member who has not confirmed 18+ and the current guidelines)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    if not is_id(circle_id):
        return NOT_MEMBER
    # One query on the hot path (every send re-checks), compiled once.
    row = _ACCESS_ROW.first(user_id=user.pk, circle_id=circle_id, now=timezone.now())
    if row is None:
        return SUSPENDED if is_suspended(user.pk) else NOT_MEMBER
    suspended, warned, muted, adult_confirmed_at, guidelines_version = row
    if suspended:
        return SUSPENDED
    # The same rule as accounts.selectors.has_agreed, read in this one query.
    if adult_confirmed_at is None or guidelines_version != settings.CONNECT_GUIDELINES_VERSION:
        return NOT_AGREED
    if warned:
        return WARNING_PENDING
    return MUTED if muted else OK


def can_read(access: str) -> bool:
    return access in (OK, MUTED, WARNING_PENDING)


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


def messages_since(user, circle_id: int, after: int, limit: int = PAGE_SIZE):
    """What a reconnecting reader missed: up to ``limit`` messages newer than
    ``after``, in id order, that ``user`` may see and that are still shown
    (nothing from a blocked pair, nothing deleted or hidden since). Returns
    (messages, has_more)."""
    rows = visible_messages(user, circle_id).filter(
        id__gt=after, deleted_at__isnull=True, hidden_at__isnull=True
    )
    found = list(rows.order_by("id")[: limit + 1])
    return found[:limit], len(found) > limit


def settled_message_ids(
    circle_id: int, after: int, *, hidden_ids, settled_before, limit: int = PAGE_SIZE
) -> tuple[list[int], bool]:
    """The ids a reader's socket should have been sent by now: up to ``limit``
    ids newer than ``after``, in order, of messages still shown, by no one in
    ``hidden_ids``, saved before ``settled_before``. Ids only (one index scan,
    no rows built): the socket fetches the few it has not been sent with
    ``shown_messages``. Returns (ids, has_more)."""
    ids = list(
        Message.objects.filter(
            circle_id=circle_id,
            id__gt=after,
            created_at__lt=settled_before,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .exclude(author_id__in=hidden_ids)
        .order_by("id")
        .values_list("id", flat=True)[: limit + 1]
    )
    return ids[:limit], len(ids) > limit


def shown_messages(user, circle_id: int, ids) -> list[Message]:
    """The messages among ``ids`` that ``user`` may see and that are still
    shown (as ``messages_since`` filters them), in id order."""
    return list(
        visible_messages(user, circle_id)
        .filter(id__in=list(ids), deleted_at__isnull=True, hidden_at__isnull=True)
        .order_by("id")
    )


def latest_message_id(circle_id: int) -> int:
    """The circle's newest message id (0 when it has none)."""
    return (
        Message.objects.filter(circle_id=circle_id).order_by("-id").values_list("id", flat=True)
    ).first() or 0


def get_visible_message(user, circle_id: int, message_id) -> Message | None:
    if not is_id(message_id):
        return None
    return visible_messages(user, circle_id).filter(pk=message_id).first()


def get_reportable_message(user, circle_id: int, message_id) -> Message | None:
    """A message ``user`` can see the words of, or None: nothing by anyone in a
    block with them, nothing deleted or hidden. Every other id answers like a
    missing one, so the report paths never show text the chat would not."""
    if not is_id(message_id):
        return None
    return (
        visible_messages(user, circle_id)
        .filter(pk=message_id, deleted_at__isnull=True, hidden_at__isnull=True)
        .first()
    )


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
