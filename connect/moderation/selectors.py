"""Moderation reads: who may be blocked from where, and who moderates.

The safety reads (blocks, mutes, suspensions, warnings) are in
``connect.safety.selectors``.
"""

from connect.safety.selectors import has_blocked


def ever_shared_a_circle(user_id: int, other_id: int) -> bool:
    """Both people have (or had) a membership of one circle, whatever its status."""
    from connect.circles.models import Membership

    return Membership.objects.filter(
        user_id=other_id,
        circle_id__in=Membership.objects.filter(user_id=user_id).values("circle_id"),
    ).exists()


def blockable_person(viewer, user_id: int):
    """The person ``viewer`` may block by id: someone they share or shared a
    circle with, or have blocked already. None for anyone else (and for ids
    nobody has), so an id reveals neither a name, nor that it exists, nor that
    its owner blocked the viewer."""
    from django.contrib.auth import get_user_model

    if user_id == viewer.pk:
        return None
    other = (
        get_user_model()
        .objects.filter(pk=user_id, is_active=True)
        .select_related("profile")
        .first()
    )
    if other is None:
        return None
    if ever_shared_a_circle(viewer.pk, other.pk) or has_blocked(viewer.pk, other.pk):
        return other
    return None


def blockable_author(viewer, message_id: int):
    """The author of a message ``viewer`` can see in their circle's chat, or None."""
    from connect.chat.models import Message
    from connect.chat.selectors import get_visible_message
    from connect.circles.selectors import is_active_member

    message = Message.objects.filter(pk=message_id).only("circle_id").first()
    if message is None or not is_active_member(viewer, message.circle_id):
        return None
    visible = get_visible_message(viewer, message.circle_id, message_id)
    if visible is None or visible.author is None or not visible.author.is_active:
        return None
    if visible.author_id == viewer.pk:
        return None
    return visible.author


# --- Roles -----------------------------------------------------------------

MODERATORS_GROUP = "Moderators"


def is_moderator(user) -> bool:
    """A site moderator: in the "Moderators" group (or a superuser)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (
            (user.is_superuser or user.has_moderate_permission)
            if hasattr(user, "has_moderate_permission")  # read with the user (core.auth)
            else user.has_perm("moderation.moderate")
        )
    )


def moderators():
    """Active people who hold the moderator permission through the group."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=MODERATORS_GROUP, is_active=True)


def audit_entries_named(entries) -> list:
    """Audit log entries with ``actor_label``, ``target_label`` and
    ``circle_label`` set: display names and circle names beside their numbers
    (two queries for a page; never an email). A deleted account or circle
    keeps its number only."""
    from accounts.models import Profile
    from connect.circles.models import Circle

    entries = list(entries)
    people = {e.actor_id for e in entries} | {e.target_user_id for e in entries}
    people.discard(None)
    names = dict(Profile.objects.filter(user_id__in=people).values_list("user_id", "display_name"))
    circle_ids = {e.circle_id for e in entries if e.circle_id is not None}
    circles = dict(Circle.objects.filter(pk__in=circle_ids).values_list("pk", "name"))

    def person(user_id):
        if user_id is None:
            return ""
        if user_id not in names:
            return f"#{user_id} (account deleted)"
        return f"{names[user_id] or 'Connect member'} (#{user_id})"

    for e in entries:
        e.actor_label = person(e.actor_id)
        e.target_label = person(e.target_user_id)
        e.circle_label = (
            ""
            if e.circle_id is None
            else f"{circles[e.circle_id]} (#{e.circle_id})"
            if e.circle_id in circles
            else f"#{e.circle_id} (closed and gone)"
        )
    return entries
