"""Reminders, cancellations and the "we missed you" note (Celery tasks, run inline)."""

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone

from connect.circles.models import Membership
from connect.meetups import services, tasks
from connect.meetups.models import CheckIn, MeetupPreference, NoticeLog, Occurrence
from connect.notifications.models import Notification, NotificationPreference
from connect.notifications.tasks import outbox_requeue
from tests.outbox import email_of

UTC = ZoneInfo("UTC")


def starting_in(occurrence, delta, now=None):
    start = (now or timezone.now()) + delta
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    occurrence.refresh_from_db()
    return occurrence


def reminders(user=None):
    qs = Notification.objects.filter(kind="reminder")
    return qs.filter(user=user) if user else qs


def test_reminder_sent_exactly_once_even_if_the_task_runs_twice(
    meetup, facilitator, members, django_capture_on_commit_callbacks
):
    starting_in(meetup, timedelta(minutes=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.send_due_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.send_due_reminders.delay().get()
    everyone = [facilitator, *members]
    assert (first, second) == (len(everyone), 0)
    for person in everyone:
        assert reminders(person).count() == 1
    assert NoticeLog.objects.filter(kind="1h").count() == len(everyone)
    assert len(mail.outbox) == len(everyone)
    assert all("Reminder" in m.subject for m in mail.outbox)


def test_not_sent_to_people_who_said_no(meetup, facilitator, members):
    services.rsvp(meetup, members[0], "no")
    services.rsvp(meetup, members[1], "maybe")
    starting_in(meetup, timedelta(minutes=30))
    tasks.send_due_reminders()
    assert not reminders(members[0]).exists()
    assert reminders(members[1]).count() == 1


def test_24h_then_1h_reminders_each_once(meetup, facilitator, members):
    now = timezone.now()
    starting_in(meetup, timedelta(hours=20), now=now)
    with mock.patch("django.utils.timezone.now", return_value=now):
        tasks.send_due_reminders()
        tasks.send_due_reminders()
    assert set(NoticeLog.objects.values_list("kind", flat=True)) == {"24h"}
    assert reminders(facilitator).get().title.endswith("tomorrow")
    with mock.patch(
        "django.utils.timezone.now", return_value=now + timedelta(hours=19, minutes=30)
    ):
        tasks.send_due_reminders()
        tasks.send_due_reminders()
    assert reminders(facilitator).count() == 2
    assert NoticeLog.objects.filter(user=facilitator).count() == 2


def test_reminders_follow_each_persons_preferences(meetup, facilitator, members):
    MeetupPreference.objects.create(user=members[0], remind_1h=False)
    MeetupPreference.objects.create(user=members[1], paused=True)
    starting_in(meetup, timedelta(minutes=30))
    tasks.send_due_reminders()
    assert not reminders(members[0]).exists()
    assert not reminders(members[1]).exists()
    assert reminders(members[2]).count() == 1


def test_email_follows_notification_preferences(
    meetup, members, django_capture_on_commit_callbacks
):
    ann = members[0]
    NotificationPreference.objects.update_or_create(user=ann, defaults={"email_kinds": []})
    starting_in(meetup, timedelta(minutes=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_due_reminders()
    assert reminders(ann).count() == 1  # in-app still
    assert ann.email not in [m.to[0] for m in mail.outbox]


def test_quiet_hours_delay_the_reminder_email(meetup, members, django_capture_on_commit_callbacks):
    ann = members[0]  # Europe/London
    NotificationPreference.objects.update_or_create(
        user=ann, defaults={"quiet_start": time(22, 0), "quiet_end": time(8, 0)}
    )
    night = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # 23:00 in London: quiet
    starting_in(meetup, timedelta(minutes=40), now=night)
    mail.outbox.clear()
    with (
        mock.patch("django.utils.timezone.now", return_value=night),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.send_due_reminders()
    email = email_of("notification", reminders(ann).get().pk)
    assert email.status == "deferred"
    assert email.not_before == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert ann.email not in [m.to[0] for m in mail.outbox]

    morning = datetime(2026, 12, 2, 8, 5, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=morning):
        outbox_requeue()
    email.refresh_from_db()
    assert email.status == "sent"
    # Once: the sweeper also sends other owed emails (e.g. the meetup's notice).
    reminders_to_ann = [m for m in mail.outbox if m.to == [ann.email] and "Reminder" in m.subject]
    assert len(reminders_to_ann) == 1


def test_cancelled_meetup_sends_a_cancellation_instead(
    meetup, facilitator, members, django_capture_on_commit_callbacks
):
    services.rsvp(meetup, members[2], "no")
    starting_in(meetup, timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_occurrence(meetup, facilitator)
    tasks.send_cancellation(meetup.pk)  # a duplicate run sends nothing more
    tasks.send_due_reminders()
    assert not reminders().exists()
    cancelled = Notification.objects.filter(title__startswith="Cancelled:")
    assert sorted(cancelled.values_list("user_id", flat=True)) == sorted(
        [facilitator.pk, members[0].pk, members[1].pk]
    )


def test_moved_meetup_is_reminded_at_its_new_time(meetup, facilitator, members):
    starting_in(meetup, timedelta(minutes=30))
    tasks.send_due_reminders()
    count = reminders(members[0]).count()
    later = (timezone.now() + timedelta(days=2)).astimezone(ZoneInfo("Europe/London"))
    services.move_occurrence(meetup, facilitator, later.date(), time(12, 0))
    starting_in(meetup, timedelta(minutes=20))
    tasks.send_due_reminders()
    assert reminders(members[0]).count() == count + 1


def make_past(make_meetup, weeks):
    """A weekly series whose occurrences all ended, oldest first."""
    start = (timezone.now() - timedelta(weeks=weeks, days=2)).astimezone(ZoneInfo("Europe/London"))
    _, occurrences = make_meetup(start_date=start.date(), frequency="weekly", count=weeks)
    return occurrences


def test_we_missed_you_after_two_misses_in_a_row_once_per_streak(make_meetup, members):
    ann, ben = members[0], members[1]
    occurrences = make_past(make_meetup, 4)
    # Members joined before the first meetup.
    Membership.objects.update(joined_at=occurrences[0].starts_at - timedelta(days=1))
    first, second, third, fourth = occurrences
    for occ in occurrences:
        CheckIn.objects.create(occurrence=occ, user=ben)  # Ben comes every time
    CheckIn.objects.create(occurrence=first, user=ann)  # Ann: then misses 3

    assert tasks.send_missed_you_notes() >= 1
    assert tasks.send_missed_you_notes() == 0  # already processed
    notes = Notification.objects.filter(title__startswith="We missed you")
    assert notes.filter(user=ann).count() == 1, "once per streak, not again at the 3rd miss"
    assert NoticeLog.objects.get(user=ann, kind="missed_you").occurrence == third
    assert not notes.filter(user=ben).exists()
    note = notes.get(user=ann)
    assert "step back" in note.body and "no explanation needed" in note.body
    assert "/step-back/" in note.url
