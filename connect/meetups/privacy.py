"""Personal data in meetups, for data export and account deletion.

Discovered by the moderation app's export/deletion, which calls every app's
``privacy`` module.
"""

from .models import RSVP, CheckIn, Feedback, FeedToken, MeetupPreference, NoticeLog
from .services import release_places_of


def export_personal_data(user) -> dict:
    """Everything meetups holds about ``user``: RSVPs, check-ins, feedback, settings."""
    rsvps = RSVP.objects.filter(user=user).select_related("occurrence__series")
    checkins = CheckIn.objects.filter(user=user).select_related("occurrence__series")
    feedback = Feedback.objects.filter(user=user).select_related("occurrence__series")
    pref = MeetupPreference.objects.filter(user=user).first()
    return {
        "rsvps": [
            {
                "meetup": row.occurrence.series.title,
                "starts_at": row.occurrence.starts_at.isoformat(),
                "answer": row.answer,
                "waitlisted": row.waitlisted,
                "answered_at": row.updated_at.isoformat(),
            }
            for row in rsvps
        ],
        "check_ins": [
            {
                "meetup": row.occurrence.series.title,
                "starts_at": row.occurrence.starts_at.isoformat(),
                "checked_in_at": row.created_at.isoformat(),
            }
            for row in checkins
        ],
        "feedback": [
            {
                "meetup": row.occurrence.series.title,
                "starts_at": row.occurrence.starts_at.isoformat(),
                "felt_heard": row.heard,
                "note": row.note,
            }
            for row in feedback
        ],
        "reminder_settings": (
            {"remind_24h": pref.remind_24h, "remind_1h": pref.remind_1h, "paused": pref.paused}
            if pref
            else None
        ),
        "calendar_feeds": [
            {"created_at": row.created_at.isoformat(), "revoked": row.revoked_at is not None}
            for row in FeedToken.objects.filter(user=user)
        ],
    }


def erase_personal_data(user) -> None:
    """Delete the person's meetup data; places they held go to the next person waiting.

    Check-ins are deleted too (they say where someone was). Meetups the person
    scheduled stay for the circle, with the scheduler unset on account deletion.
    """
    release_places_of(user)
    Feedback.objects.filter(user=user).delete()
    CheckIn.objects.filter(user=user).delete()
    FeedToken.objects.filter(user=user).delete()
    NoticeLog.objects.filter(user=user).delete()
    MeetupPreference.objects.filter(user=user).delete()
