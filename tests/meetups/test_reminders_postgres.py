"""The reminder task running twice at the same moment on PostgreSQL still sends once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from connect.meetups import tasks
from connect.meetups.models import NoticeLog, Occurrence
from connect.notifications.models import Notification, NotificationPreference


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_each_reminder_once(make_meetup, facilitator, members):
    everyone = [facilitator, *members]
    # In-app only: this is about the claim rows (see the report on the email task's lock).
    for person in everyone:
        NotificationPreference.objects.update_or_create(user=person, defaults={"email_kinds": []})
    _, (meetup,) = make_meetup()
    start = timezone.now() + timedelta(minutes=30)
    Occurrence.objects.filter(pk=meetup.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            counts.append(tasks.send_due_reminders())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sum(counts) == len(everyone)
    assert NoticeLog.objects.filter(kind="1h").count() == len(everyone)
    for person in everyone:
        assert Notification.objects.filter(user=person, kind="reminder").count() == 1
