"""Who may see community health: the one place its views and tags ask.

The whole-site figures are for site moderators (and operators, who hold the
same permission): ``access_community_health`` is moderation's
``access_moderator`` (403 for everyone else). A circle's own attendance and
"felt heard" trend is for that circle's facilitator only, never its members.
"""

from connect.moderation.permissions import access_moderator


def access_community_health(user) -> None:
    """A site moderator, or AccessDenied (403)."""
    access_moderator(user)


def can_see_circle_health(user, membership) -> bool:
    """The circle's facilitator, from the membership the circle page already checked."""
    return bool(
        membership is not None
        and getattr(user, "is_authenticated", False)
        and membership.user_id == user.pk
        and membership.status == membership.Status.ACTIVE
        and membership.is_facilitator
    )
