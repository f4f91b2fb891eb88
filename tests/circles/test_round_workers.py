"""A matching round fanned out to real Celery workers (a chord over Redis)
forms the same circles as the same round in one process."""

import os

import pytest
from django.db import connection

from connect.celery import app
from connect.circles.models import Invitation, MatchRound
from connect.circles.rounds import matching_workers, round_fan_out, run_round
from tests.circles.worker_harness import SmtpSink, Worker, database_url, wait_for
from tests.factories import OnboardedUserFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NEW_YORK = {"city_name": "New York", "lat": 40.71427, "lon": -74.00597}
TOPICS = [{"loneliness": 2, "anxiety": 1}, {"grief": 2}, {"new-parents": 2, "loneliness": 1}]


def waiting_world():
    """90 seekers in three independent buckets: in person in London, in person
    in New York, and by video only (more than the small-round solver takes)."""
    for i in range(30):
        topics = TOPICS[i % 3]
        OnboardedUserFactory(onboarded__mode="in_person", onboarded__topics=topics)
        OnboardedUserFactory(
            onboarded__mode="in_person",
            onboarded__topics=topics,
            onboarded__timezone="America/New_York",
            **{f"onboarded__{k}": v for k, v in NEW_YORK.items()},
        )
        OnboardedUserFactory(onboarded__mode="virtual", onboarded__topics=topics)


def circles_written() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for circle_id, user_id in Invitation.objects.values_list("circle_id", "user_id"):
        groups.setdefault(circle_id, set()).add(user_id)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture
def two_workers(tmp_path):
    app.control.purge()
    with SmtpSink() as sink:
        workers = [
            Worker(
                database_url(connection.settings_dict),
                os.environ["REDIS_URL"],
                sink.port,
                log_path=tmp_path / f"worker{i}.log",
            ).start()
            for i in range(2)
        ]
        try:
            assert wait_for(lambda: len(app.control.ping(timeout=0.5) or []) == 2, timeout=60)
            yield workers
        finally:
            for w in workers:
                w.stop()
            app.control.purge()


def test_a_round_on_two_workers_forms_the_same_circles_as_in_one_process(two_workers):
    waiting_world()
    dry = run_round(dry_run=True)
    expected = {frozenset(c.member_ids) for c in dry.result.circles}
    assert len(expected) >= 6 and dry.result.stats["bucket_jobs"] == 3
    assert matching_workers() == 2

    assert round_fan_out() == 3  # three bucket jobs, then the chord's body writes
    assert wait_for(
        lambda: MatchRound.objects.filter(status=MatchRound.Status.DONE).exists(), timeout=180
    ), "the chord's round was never written"
    record = MatchRound.objects.get()
    assert circles_written() == expected
    assert record.circles_proposed == len(expected)
    assert record.placed == dry.placed and record.seekers == 90
