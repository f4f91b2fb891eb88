"""Export and erasure for the account, profile, notifications and safety records.

The data-rights service (``accounts.data_rights``) calls every
app's ``privacy`` module; this one covers the data no other app owns. What is
left out on purpose: who reported the person, who blocked them, and which
moderator acted (only the role), so an export can never expose a reporter.
"""

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from accounts.erasure import FORMER_MEMBER, erasable_name, without_name
from connect.notifications.models import Notification, NotificationPreference
from connect.notifications.services import notifications_rewrite
from connect.safety.models import Block, ModerationWarning, Mute, Suspension

from .models import Appeal, CrisisAlert, ModerationAction, Report

PROFILE_FIELDS = [
    "display_name",
    "pronouns",
    "about",
    "mode",
    "city_name",
    "country_code",
    "lat",
    "lon",
    "radius_km",
    "timezone",
    "availability",
    "languages",
    "size_min",
    "size_max",
    "is_looking",
    "adult_confirmed_at",
    "guidelines_version",
    "guidelines_accepted_at",
    "onboarded_at",
    "created_at",
    "updated_at",
]


def _when(value):
    return value.isoformat() if value is not None else None


def _profile(user) -> dict:
    profile = getattr(user, "profile", None)
    if profile is None:
        return {}
    data = {}
    for name in PROFILE_FIELDS:
        value = getattr(profile, name)
        data[name] = _when(value) if hasattr(value, "isoformat") else value
    data["topics"] = [
        {"topic": pt.topic.name, "weight": pt.weight}
        for pt in profile.topic_weights.select_related("topic")
    ]
    return data


def export_personal_data(user) -> dict:
    """Everything about ``user`` held by accounts, notifications and moderation."""
    from allauth.account.models import EmailAddress

    pref = NotificationPreference.objects.filter(user=user).first()
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user)
            ],
        },
        "profile": _profile(user),
        "notification_preferences": (
            {
                "email_kinds": pref.email_kinds,
                "quiet_start": _when(pref.quiet_start),
                "quiet_end": _when(pref.quiet_end),
            }
            if pref
            else {}
        ),
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in Notification.objects.filter(user=user)
        ],
        "blocks_made": [
            {"blocked_user_id": b.blocked_id, "created_at": _when(b.created_at)}
            for b in Block.objects.filter(blocker=user)
        ],
        "reports_filed": [
            {
                "about": r.target_type,
                "target_id": r.target_id,
                "reason": r.get_reason_display(),
                "note": r.note,
                "status": r.get_status_display(),
                "created_at": _when(r.created_at),
            }
            for r in Report.objects.filter(reporter=user)
        ],
        # Actions about the person: what, why, when; never reporters or moderator ids.
        "moderation_actions_about_me": [
            {
                "action": a.get_kind_display(),
                "by": a.actor_role,
                "reason": a.reason,
                "circle_id": a.circle_id,
                "message_id": a.message_id,
                "ends_at": _when(a.ends_at),
                "created_at": _when(a.created_at),
            }
            for a in ModerationAction.objects.filter(target_user_id=user.pk)
        ],
        "warnings": [
            {
                "text": w.text,
                "created_at": _when(w.created_at),
                "acknowledged_at": _when(w.acknowledged_at),
            }
            for w in ModerationWarning.objects.filter(user=user)
        ],
        "suspensions": [
            {
                "reason": s.reason,
                "starts_at": _when(s.starts_at),
                "ends_at": _when(s.ends_at),
                "lifted_at": _when(s.lifted_at),
            }
            for s in Suspension.objects.filter(user=user)
        ],
        "mutes": [
            {
                "circle_id": m.circle_id,
                "reason": m.reason,
                "ends_at": _when(m.ends_at),
                "lifted_at": _when(m.lifted_at),
            }
            for m in Mute.objects.filter(user=user)
        ],
        "appeals": [
            {
                "action_id": a.action_id,
                "text": a.text,
                "status": a.get_status_display(),
                "created_at": _when(a.created_at),
            }
            for a in Appeal.objects.filter(appellant=user)
        ],
        "crisis_alerts_on_my_messages": [
            {"message_id": c.message_id, "created_at": _when(c.created_at), "status": c.status}
            for c in CrisisAlert.objects.filter(author_id=user.pk)
        ],
    }


def _forget_name_in_others_rows(user) -> None:
    """Other people's notifications ("<name> asked to join …", "<name> mentioned
    you …"), report notes and admin history name the person only as a former member."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    name = erasable_name(user)
    if name:
        # Every language's copy of the notice (its ``texts``) names them too.
        about = Notification.objects.annotate(all_texts=Cast("texts", TextField())).filter(
            Q(title__icontains=name) | Q(body__icontains=name) | Q(all_texts__icontains=name)
        )
        notifications_rewrite(
            about.exclude(user=user).only("pk", "title", "body", "texts"),
            lambda text: without_name(text, name),
        )
        for r in Report.objects.filter(note__icontains=name).only("pk", "note"):
            note = without_name(r.note, name)
            if note != r.note:
                Report.objects.filter(pk=r.pk).update(note=note)
    profile = getattr(user, "profile", None)
    own_objects = Q(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk))
    if profile is not None:
        own_objects |= Q(
            content_type=ContentType.objects.get_for_model(profile), object_id=str(profile.pk)
        )
    named = Q(object_repr__icontains=user.email)
    if name:
        named |= Q(object_repr__icontains=name)
    LogEntry.objects.filter(own_objects | named).update(object_repr=f"{FORMER_MEMBER} #{user.pk}")


def erase_personal_data(user) -> None:
    """Erase what this module owns. The user row itself is deleted afterwards by
    the data-rights service; reports the person filed stay, anonymous."""
    _forget_name_in_others_rows(user)
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.ACCOUNT_DELETED,
        actor_id=user.pk,
        actor_role="self",
        target_user_id=user.pk,
        reason="The person deleted their account.",
    )
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Block.objects.filter(blocker=user).delete()
    Block.objects.filter(blocked=user).delete()
    ModerationWarning.objects.filter(user=user).delete()
    Appeal.objects.filter(appellant=user).delete()
    Report.objects.filter(reporter=user).update(reporter=None)
    profile = getattr(user, "profile", None)
    if profile is not None:
        profile.topic_weights.all().delete()
        profile.delete()
