"""Data export and erasure for meetups (called by the moderation app)."""

from datetime import timedelta

from django.utils import timezone

from connect.meetups import privacy, services
from connect.meetups.models import RSVP, CheckIn, Feedback, FeedToken, Occurrence


def test_export_lists_rsvps_checkins_and_feedback(make_meetup, members):
    _, (occurrence,) = make_meetup()
    ann = members[0]
    services.rsvp(occurrence, ann, "yes")
    services.issue_feed_token(ann)
    start = timezone.now() - timedelta(hours=2)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=1)
    )
    occurrence.refresh_from_db()
    services.check_in(occurrence, ann, "yes", "thanks all")
    data = privacy.export_personal_data(ann)
    assert data["rsvps"][0]["answer"] == "yes"
    assert data["check_ins"][0]["meetup"] == "Tuesday circle"
    assert data["feedback"][0] == {
        "meetup": "Tuesday circle",
        "starts_at": occurrence.starts_at.isoformat(),
        "felt_heard": "yes",
        "note": "thanks all",
    }
    assert len(data["calendar_feeds"]) == 1


def test_erase_deletes_and_hands_the_place_to_the_next_person(make_meetup, facilitator, members):
    _, (occurrence,) = make_meetup(capacity=2)
    ann, ben = members[0], members[1]
    services.rsvp(occurrence, facilitator, "yes")
    services.rsvp(occurrence, ann, "yes")
    services.rsvp(occurrence, ben, "yes")  # waiting
    services.issue_feed_token(ann)
    privacy.erase_personal_data(ann)
    assert not RSVP.objects.filter(user=ann).exists()
    assert not FeedToken.objects.filter(user=ann).exists()
    assert not CheckIn.objects.filter(user=ann).exists()
    assert not Feedback.objects.filter(user=ann).exists()
    assert RSVP.objects.get(user=ben).is_going
