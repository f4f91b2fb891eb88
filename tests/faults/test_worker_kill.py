"""A Celery worker killed with SIGKILL in the middle of a matching round and of
reminder sending: nothing half-written, nothing sent twice, and the work
completes when a worker comes back (the task was acknowledged late, so the
broker hands it out again after the visibility timeout: 5 s here).
"""

import os
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from connect.celery import app
from connect.circles.models import Circle, Invitation, MatchRound
from connect.circles.tasks import run_match_round
from connect.meetups.models import NoticeLog, Occurrence
from connect.meetups.tasks import send_due_reminders
from connect.notifications import tasks as notification_tasks
from connect.notifications.models import Notification, OutboxEmail
from connect.notifications.outbox import message_id
from connect.notifications.tasks import outbox_requeue
from tests.circles.helpers import active_circle, make_seekers
from tests.circles.worker_harness import SmtpSink, Worker, database_url, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APP_NAME = "connect-fault-worker"


@pytest.fixture
def sink():
    with SmtpSink() as s:
        yield s


@pytest.fixture
def worker_factory(sink, tmp_path):
    app.control.purge()
    started = []
    url = f"{database_url(connection.settings_dict)}?application_name={APP_NAME}"

    def start():
        w = Worker(url, os.environ["REDIS_URL"], sink.port, log_path=tmp_path / "worker.log")
        started.append(w.start())
        return w

    yield start
    for w in started:
        w.stop()
    app.control.purge()


def _worker_transaction_wrote() -> bool:
    """The worker's transaction has written rows it has not committed yet."""
    dsn = database_url(connection.settings_dict).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND backend_xid IS NOT NULL",
            [APP_NAME],
        ).fetchone()
    return bool(row and row[0])


def test_sigkill_mid_round_writes_nothing_then_the_round_completes_once(worker_factory):
    make_seekers(150)
    first = worker_factory()
    run_match_round.delay()
    caught = wait_for(_worker_transaction_wrote, timeout=120, interval=0.02)
    first.kill()
    assert caught, "the round was not seen writing"
    assert not MatchRound.objects.exists(), "the round finished before it could be killed"
    # Nothing half-written: the round's one transaction died with the worker.
    assert not Circle.objects.exists()
    assert not Invitation.objects.exists()

    worker_factory()
    assert wait_for(lambda: MatchRound.objects.exists(), timeout=120), "the round never ran again"
    time.sleep(1)
    rounds = list(MatchRound.objects.all())
    assert [r.status for r in rounds] == [MatchRound.Status.DONE]
    record = rounds[0]
    assert record.circles_proposed > 0
    assert Circle.objects.filter(match_round=record).count() == record.circles_proposed
    assert Invitation.objects.count() == record.invitations
    # Each person is invited once at most.
    invited = list(Invitation.objects.values_list("user_id", flat=True))
    assert len(invited) == len(set(invited))
    print(
        f"killed mid-write; the redelivered round proposed {record.circles_proposed} circles, "
        f"{record.invitations} invitations, once"
    )


def _reminders_due(circles: int) -> int:
    """``circles`` active circles of 6, each with a meetup in 3 hours: 6 reminders each."""
    from connect.meetups.models import MeetupSeries

    start = timezone.now() + timedelta(hours=3)
    for i in range(circles):
        circle = active_circle(members=6, capacity=8)
        series = MeetupSeries.objects.create(
            circle=circle,
            title=f"Meetup {i}",
            mode="in_person",
            venue_name="Library",
            timezone="UTC",
            start_date=start.date(),
            start_time=start.time().replace(microsecond=0),
            duration_minutes=60,
        )
        Occurrence.objects.create(
            series=series,
            circle=circle,
            original_start=start,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    return circles * 6


def test_sigkill_mid_reminders_sends_each_once_and_a_new_worker_finishes(
    sink, worker_factory, monkeypatch
):
    total = _reminders_due(15)
    first = worker_factory()
    send_due_reminders.delay()
    assert wait_for(lambda: NoticeLog.objects.count() >= 10, timeout=120), "no progress"
    first.kill()
    at_kill = NoticeLog.objects.count()
    assert at_kill < total, "the worker finished before it could be killed"
    # Nothing half-written: every claimed reminder has its notification, and no more.
    assert Notification.objects.count() == at_kill

    worker_factory()
    assert wait_for(lambda: NoticeLog.objects.count() == total, timeout=120), (
        f"{NoticeLog.objects.count()} of {total} reminders after the new worker"
    )
    # An email whose task was lost with the worker (killed between the reminder's
    # commit and queueing its email) is queued again by the periodic sweep; run
    # it now as if its ten minutes had passed.
    monkeypatch.setattr(notification_tasks, "STALE_AFTER", timedelta(0))
    outbox_requeue()
    owed = OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT)
    emailed = wait_for(lambda: not owed.exists(), 60)
    assert emailed, (
        list(owed.values_list("pk", "created_at")),
        NoticeLog.objects.count(),
        sink.total,
    )
    time.sleep(6)  # a redelivered in-flight task (visibility timeout 5 s) has run by now
    assert Notification.objects.count() == total
    received = sink.snapshot()
    expected = {
        message_id("notification", pk) for pk in Notification.objects.values_list("pk", flat=True)
    }
    duplicates = sum(count - 1 for count in received.values())
    missing = expected - set(received)
    print(
        f"killed at {at_kill} of {total} reminders; emails {sink.total}, "
        f"duplicates {duplicates}, missing {len(missing)}"
    )
    assert not missing
    # A second copy is possible only if the kill lands between the SMTP server's
    # "250" and the commit that marks the email sent (a solo worker: one at most).
    assert duplicates <= 1
