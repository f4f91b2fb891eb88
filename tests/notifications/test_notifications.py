"""In-app notifications, the unread count, email preferences and quiet hours."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from connect.notifications.models import Kind
from connect.notifications.selectors import notification_preference_for
from connect.notifications.services import notify
from connect.notifications.tasks import outbox_requeue, outbox_send
from tests.factories import OnboardedUserFactory
from tests.outbox import email_of, email_status

pytestmark = pytest.mark.django_db


def test_list_unread_count_in_header_and_mark_read(client, member_user):
    for n in range(3):
        notify(member_user, Kind.CIRCLE, f"News {n}", email=False)
    other = OnboardedUserFactory()
    notify(other, Kind.CIRCLE, "Someone else's news", email=False)
    client.force_login(member_user)
    page = client.get(reverse("notifications:list"))
    assert b'aria-label="3 unread"' in page.content
    assert b"News 2" in page.content and b"Someone else" not in page.content
    client.post(reverse("notifications:mark_all_read"))
    page = client.get(reverse("notifications:list"))
    assert b"unread" not in page.content.split(b"<main")[0]


def test_preferences_choose_kinds_and_quiet_hours(client, member_user):
    client.force_login(member_user)
    response = client.post(
        reverse("notifications:preferences"),
        {"email_kinds": ["invitation"], "quiet_start": "22:00", "quiet_end": ""},
    )
    assert b"Give both a start and an end" in response.content
    assert (
        notification_preference_for(member_user).quiet_start is None
    )  # nothing saved on bad input
    client.post(
        reverse("notifications:preferences"),
        {"email_kinds": ["invitation"], "quiet_start": "22:00", "quiet_end": "07:00"},
    )
    pref = notification_preference_for(member_user)
    assert pref.email_kinds == ["invitation"] and pref.quiet_start == time(22)


def test_only_chosen_kinds_are_emailed(member_user, django_capture_on_commit_callbacks):
    pref = notification_preference_for(member_user)
    pref.email_kinds = ["invitation"]
    pref.save()
    with django_capture_on_commit_callbacks(execute=True):
        circle_note = notify(member_user, Kind.CIRCLE, "Circle news")
        invite_note = notify(member_user, Kind.INVITATION, "An invitation")
    assert email_of("notification", circle_note.pk) is None
    assert [m.subject for m in mail.outbox] == ["[Connect] An invitation"]
    assert email_status("notification", invite_note.pk) == "sent"


def test_quiet_hours_hold_emails_in_the_persons_zone_then_release(member_user):
    member_user.profile.timezone = "America/New_York"
    member_user.profile.save()
    ny_now = timezone.now().astimezone(ZoneInfo("America/New_York"))
    pref = notification_preference_for(member_user)
    pref.quiet_start = (ny_now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    pref.quiet_end = (ny_now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    pref.save()
    note = notify(member_user, Kind.CIRCLE, "Held back", email=True)
    email = email_of("notification", note.pk)
    assert outbox_send(email.pk) == "deferred"
    email.refresh_from_db()
    assert email.status == "deferred" and mail.outbox == []
    held_until = email.not_before
    assert timedelta(hours=1) < held_until - timezone.now() <= timedelta(hours=2, minutes=1)
    assert outbox_requeue() == 0  # not yet
    pref.quiet_start = pref.quiet_end = None
    pref.save()
    type(email).objects.filter(pk=email.pk).update(not_before=timezone.now())
    assert outbox_requeue() == 1
    assert [m.subject for m in mail.outbox] == ["[Connect] Held back"]
    assert outbox_send(email.pk) == "skipped"  # never twice
    assert len(mail.outbox) == 1


def test_quiet_hours_across_a_dst_change():
    from connect.notifications.quiet_hours import quiet_until

    # London clocks go back on 25 October 2026 at 02:00 BST → 01:00 GMT.
    now = datetime(2026, 10, 24, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 BST on the 25th
    until = quiet_until(now, "Europe/London", time(22), time(7))
    assert until == datetime(2026, 10, 25, 7, 0, tzinfo=ZoneInfo("UTC"))  # 07:00 GMT


def test_a_batch_sends_each_owed_email_once_and_reports_the_rest(
    member_user, django_capture_on_commit_callbacks
):
    from connect.notifications.models import OutboxEmail
    from connect.notifications.tasks import outbox_send_batch

    other = OnboardedUserFactory()
    pref = notification_preference_for(other)
    pref.email_kinds = ["invitation"]  # not circle news
    pref.save()
    with django_capture_on_commit_callbacks(execute=False):
        wanted = [notify(member_user, Kind.CIRCLE, f"News {n}") for n in range(3)]
        notify(other, Kind.CIRCLE, "Not wanted by email")
    ids = [email_of("notification", n.pk).pk for n in wanted]
    unwanted = OutboxEmail.objects.create(
        user=other, kind=Kind.CIRCLE, source="notification", source_id=wanted[0].pk + 1000
    )
    assert outbox_send(ids[0]) == "sent"
    outcomes = outbox_send_batch([*ids, unwanted.pk, 2**62])
    assert outcomes == {"skipped": 2, "sent": 2, "not-wanted": 1}
    assert sorted(m.subject for m in mail.outbox) == [f"[Connect] News {n}" for n in range(3)]
    assert OutboxEmail.objects.get(pk=unwanted.pk).status == "dropped"
    assert outbox_send_batch(ids) == {"skipped": 3}  # a redelivered batch sends nothing
    assert len(mail.outbox) == 3


def test_an_email_whose_task_was_lost_is_queued_again_once_it_is_stale(member_user):
    """A worker killed between the notification's commit and queueing its email
    leaves the email owed with no task: the periodic sweep queues it again."""
    from connect.notifications.models import Notification, OutboxEmail

    note = Notification.objects.create(user=member_user, kind=Kind.CIRCLE, title="Lost task")
    email = OutboxEmail.objects.create(
        user=member_user, kind=Kind.CIRCLE, source="notification", source_id=note.pk
    )
    assert outbox_requeue() == 0  # too recent: its task may still be queued
    OutboxEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox_requeue() == 1
    assert [m.subject for m in mail.outbox] == ["[Connect] Lost task"]
    assert outbox_requeue() == 0  # sent: never again
    assert len(mail.outbox) == 1


def test_a_task_the_broker_refused_is_queued_again_by_the_sweep_once(member_user):
    """``enqueue.task_enqueue`` writes down a task the broker did not take; the
    sweep queues it (here: runs it inline) and forgets it, once."""
    from connect.notifications.models import Notification, OutboxEmail, OwedTask
    from connect.notifications.tasks import owed_tasks_requeue

    note = Notification.objects.create(user=member_user, kind=Kind.CIRCLE, title="Owed task")
    email = OutboxEmail.objects.create(
        user=member_user, kind=Kind.CIRCLE, source="notification", source_id=note.pk
    )
    refused = "Error 111 connecting to 127.0.0.1:6379. Connection refused."
    OwedTask.objects.create(task=outbox_send.name, args=[email.pk], error=refused)
    OwedTask.objects.create(task="connect.gone.tasks.renamed", args=[1], error=refused)
    assert owed_tasks_requeue() == 1
    assert [m.subject for m in mail.outbox] == ["[Connect] Owed task"]
    assert not OwedTask.objects.exists()  # the unknown one is dropped (and logged)
    assert owed_tasks_requeue() == 0
    assert len(mail.outbox) == 1


def test_a_task_queued_on_commit_survives_a_process_that_dies_before_queueing_it(
    django_capture_on_commit_callbacks,
):
    """The call is written down with the change itself: if the process dies
    after the commit and before the publish, the row is still there and the
    sweep queues it once stale; when the publish happens, the row is gone."""
    from connect.meetups import services
    from connect.meetups.models import NoticeLog
    from connect.notifications.models import OwedTask
    from connect.notifications.tasks import owed_tasks_requeue
    from tests.factories import CircleFactory, MembershipFactory
    from tests.meetups.conftest import series_fields

    circle = CircleFactory(capacity=6, mode="in_person")
    facilitator = MembershipFactory(circle=circle, role="facilitator").user
    others = [MembershipFactory(circle=circle).user for _ in range(3)]
    first, second = services.schedule_series(
        circle, facilitator, **series_fields(frequency="weekly", count=2)
    ).occurrences.order_by("starts_at")

    # The process "dies" right after the commit: its on-commit publish never runs.
    with django_capture_on_commit_callbacks(execute=False):
        services.cancel_occurrence(first, facilitator)
    owed = OwedTask.objects.get()
    assert (owed.task, owed.args, owed.error) == (
        "connect.meetups.tasks.send_cancellation",
        [first.pk],
        "",
    )
    assert owed_tasks_requeue() == 0  # young: its own process may still queue it
    OwedTask.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert owed_tasks_requeue() == 1  # here the task runs inline
    told = NoticeLog.objects.filter(occurrence=first, kind=NoticeLog.Kind.CANCELLED)
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        u.pk for u in [facilitator, *others]
    )
    assert not OwedTask.objects.exists()
    assert owed_tasks_requeue() == 0

    # A process that lives on queues the task and crosses the row out.
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_occurrence(second, facilitator)
    assert NoticeLog.objects.filter(occurrence=second).count() == 4
    assert not OwedTask.objects.exists()
