"""Two people taking the last place at the same moment, on real PostgreSQL."""

import threading

import pytest
from django.db import connection

from connect.meetups import services
from connect.meetups.models import RSVP
from connect.notifications.models import NotificationPreference


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_place_at_once_one_wins(make_meetup, facilitator, members):
    # In-app notices only: this test is about seats, not email (see the report
    # about the notifications task's row lock on PostgreSQL).
    for person in [facilitator, *members]:
        NotificationPreference.objects.update_or_create(user=person, defaults={"email_kinds": []})
    _, (occurrence,) = make_meetup(capacity=2)
    services.rsvp(occurrence, facilitator, "yes")  # one place left
    ann, ben = members[0], members[1]
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def take(user):
        try:
            barrier.wait(timeout=10)
            results[user.pk] = services.rsvp(occurrence, user, "yes")
        except Exception as exc:  # reported below; a thread must not swallow it silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(person,)) for person in (ann, ben)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    going = RSVP.objects.filter(occurrence=occurrence, answer="yes", waitlisted=False)
    assert going.count() == 2
    outcomes = sorted(row.waitlisted for row in results.values())
    assert outcomes == [False, True], "exactly one of the two got the last place"
    assert RSVP.objects.filter(occurrence=occurrence, waitlisted=True).count() == 1
