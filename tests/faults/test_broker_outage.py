"""Pages whose change queues a Celery task, used while the broker (Redis) is away.

Asking to join a circle owes the facilitator an email (an outbox row, queued
on commit); cancelling a meetup queues the task that tells the members. With
the private Redis stopped, both pages answer at once and calmly (the change
is saved, the next page says the emails will be late), and nothing is lost:
once Redis is back, the periodic sweeps (``outbox_requeue`` for owed emails,
``owed_tasks_requeue`` for tasks the broker refused) queue the work again and
a real worker sends every email once to an SMTP sink.
"""

import time as clock
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from connect.circles.models import JoinRequest
from connect.core.middleware import DELAYED
from connect.meetups import services as meetups
from connect.meetups.models import NoticeLog, Occurrence
from connect.notifications.models import OutboxEmail, OwedTask
from connect.notifications.outbox import message_id
from connect.notifications.tasks import outbox_requeue, owed_tasks_requeue
from tests.chat.servers import test_database_url as server_database_url
from tests.circles.helpers import active_circle, make_seekers
from tests.circles.worker_harness import SmtpSink, Worker, database_url, wait_for
from tests.faults.private import PrivateRedis
from tests.faults.stack import get, post_form, queue_on, session_cookie, site_env, web

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _upcoming_meetup(circle, facilitator) -> Occurrence:
    series = meetups.schedule_series(
        circle,
        facilitator,
        title="Thursday circle",
        mode="in_person",
        venue_name="Library",
        venue_address="1 High Street",
        video_url="",
        capacity=None,
        agenda="",
        timezone="UTC",
        start_date=(timezone.now() + timedelta(days=3)).date(),
        start_time=time(18, 0),
        duration_minutes=60,
        frequency="once",
        until=None,
        count=None,
    )
    return series.occurrences.get()


def test_pages_that_queue_tasks_answer_without_the_broker_and_the_work_follows(tmp_path):
    circle = active_circle(members=3)
    facilitator = circle.memberships.get(role="facilitator").user
    occurrence = _upcoming_meetup(circle, facilitator)
    (asker,) = make_seekers(1)
    asker_cookie, facilitator_cookie = session_cookie(asker), session_cookie(facilitator)
    before = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    redis_server = PrivateRedis().start()
    env = site_env(server_database_url(), redis_server.url(0), CONNECT_VAR_DIR=str(tmp_path))
    about, detail = f"/circles/{circle.pk}/about/", f"/meetups/{occurrence.pk}/"
    try:
        with SmtpSink() as sink:
            # The worker runs throughout, as in a deployment, and reconnects by itself.
            worker = Worker(
                database_url(connection.settings_dict),
                redis_server.url(0),
                sink.port,
                log_path=tmp_path / "worker.log",
            )
            worker.env["CONNECT_OUTBOX_STALE_SECONDS"] = "0"
            with worker, web(env, tmp_path) as (base, process):
                redis_server.stop()
                started = clock.monotonic()
                joined = post_form(
                    base, asker_cookie, about, f"/circles/{circle.pk}/join/", {"note": "Hello"}
                )
                join_seconds = clock.monotonic() - started
                started = clock.monotonic()
                cancelled = post_form(
                    base, facilitator_cookie, detail, f"/meetups/{occurrence.pk}/cancel/", {}
                )
                cancel_seconds = clock.monotonic() - started
                next_pages = [
                    get(f"{base}{joined[1]}", {"Cookie": joined[2]}),
                    get(f"{base}{cancelled[1]}", {"Cookie": cancelled[2]}),
                ]
                assert process.alive()

                # Saved, and owed: the facilitator's email as an outbox row, the
                # members' cancellation notices as the task the broker refused.
                assert (joined[:2], cancelled[:2]) == ((302, "/circles/mine/"), (302, detail))
                assert [status for status, _ in next_pages] == [200, 200]
                assert all(DELAYED in page for _, page in next_pages)
                assert JoinRequest.objects.filter(circle=circle, user=asker).exists()
                occurrence.refresh_from_db()
                assert occurrence.is_cancelled
                owed_email = OutboxEmail.objects.filter(pk__gt=before)
                assert list(owed_email.values_list("status", flat=True)) == ["owed"]
                assert list(OwedTask.objects.values_list("task", "args")) == [
                    ("connect.meetups.tasks.send_cancellation", [occurrence.pk])
                ]

                redis_server.start()
                started = clock.monotonic()
                # What beat sends every CONNECT_OUTBOX_SWEEP_INTERVAL seconds.
                queue_on(redis_server.url(0), owed_tasks_requeue)
                members = circle.memberships.filter(status="active").count()
                told = wait_for(
                    lambda: NoticeLog.objects.filter(occurrence=occurrence).count() == members, 60
                )
                queue_on(redis_server.url(0), outbox_requeue)
                # Every email owed: those of this page use and the ones owed
                # before it (this test process queued them on the shared broker).
                expected = {
                    message_id(source, source_id)
                    for source, source_id in OutboxEmail.objects.values_list("source", "source_id")
                }
                sent = wait_for(lambda: set(sink.snapshot()) >= expected, 60)
                recovery_seconds = clock.monotonic() - started
                clock.sleep(1)  # a second copy would have arrived by now
                received = sink.snapshot()
    finally:
        redis_server.close()

    assert told, (tmp_path / "worker.log").read_text()[-3000:]
    assert sent, (sorted(expected - set(received)), (tmp_path / "worker.log").read_text()[-3000:])
    assert not OwedTask.objects.exists()
    # Among them the facilitator's join request and each member's cancellation notice.
    assert OutboxEmail.objects.filter(pk__gt=before).count() == 1 + members
    assert set(received) == expected and all(n == 1 for n in received.values()), received
    print(
        f"broker away: join request answered in {join_seconds:.2f} s, cancellation in "
        f"{cancel_seconds:.2f} s (302, saved, 'running late' shown); after Redis came back "
        f"{len(received)} emails sent, each once, {recovery_seconds:.1f} s after the restart"
    )
