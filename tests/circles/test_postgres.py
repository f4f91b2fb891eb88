"""Races against a real PostgreSQL: seats and the round lock."""

import threading

import pytest
from django.db import connection, connections, transaction

from connect.circles import rounds, services
from connect.circles.models import Circle, Invitation, Membership, RoundLock
from tests.circles.helpers import active_circle, make_seekers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_thread(fn, results, key, barrier):
    try:
        barrier.wait(timeout=10)
        results[key] = ("ok", fn())
    except Exception as exc:  # collected for the assertions below
        results[key] = ("error", exc)
    finally:
        connections.close_all()


def test_two_people_accept_the_last_seat_at_once():
    for attempt in range(5):  # several races, so the lock (not luck) decides
        circle = active_circle(members=4, capacity=5)
        a, b = make_seekers(2)
        inv_a, inv_b = services.invitations_create(
            circle, [a.pk, b.pk], kind=Invitation.Kind.TOP_UP
        )
        results: dict = {}
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=_in_thread,
                args=(lambda u=u, i=i: services.invitation_accept(u, i.pk), results, u.pk, barrier),
            )
            for u, i in ((a, inv_a), (b, inv_b))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        outcomes = sorted(kind for kind, _ in results.values())
        assert outcomes == ["error", "ok"], (attempt, results)
        loser = next(value for kind, value in results.values() if kind == "error")
        assert isinstance(loser, services.CircleError)
        assert "full" in str(loser) and "last seat" in str(loser)
        circle.refresh_from_db()
        assert circle.member_count == 5 == circle.capacity
        assert Membership.objects.filter(circle=circle, status="active").count() == 5
        statuses = sorted(Invitation.objects.filter(circle=circle).values_list("status", flat=True))
        assert statuses == ["accepted", "pending"]  # the loser changed nothing


def test_the_database_refuses_a_seat_over_capacity_even_without_the_service():
    from django.db import IntegrityError

    circle = active_circle(members=4, capacity=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Circle.objects.filter(pk=circle.pk).update(member_count=5)
    member = circle.memberships.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(circle=circle, user=member.user)


def test_two_rounds_never_run_at_once():
    make_seekers(5)
    RoundLock.objects.get_or_create(pk=1)
    held = threading.Event()
    release = threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                RoundLock.objects.select_for_update().get(pk=1)
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert held.wait(10)
    try:
        with pytest.raises(rounds.RoundBusy):
            rounds.run_round()
        assert not Circle.objects.exists()
    finally:
        release.set()
        holder.join(30)
    assert rounds.run_round().circles_proposed == 1
    assert connection.vendor == "postgresql"
