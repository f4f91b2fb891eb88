"""The core journey on the embedded defaults (SQLite, eager Celery, locmem mail)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from connect.circles import services
from connect.circles.models import Circle, Invitation, MatchRound, Membership
from connect.circles.rounds import gather_open_circles, run_round
from connect.notifications.models import Notification
from tests.circles.helpers import active_circle, links_for, make_seekers
from tests.outbox import email_status

pytestmark = pytest.mark.django_db


def test_seekers_round_invitations_accept_decline_active(client, hooks):
    seekers = make_seekers(6)
    with hooks(execute=True):
        record = run_round()

    assert MatchRound.objects.filter(pk=record.pk).exists()
    assert record.seekers == 6 and record.circles_proposed == 1 and record.placed == 6
    circle = Circle.objects.get()
    assert circle.status == Circle.Status.FORMING
    assert circle.topics.filter(slug="loneliness").exists()
    assert "Loneliness" in circle.name
    invitations = Invitation.objects.filter(circle=circle)
    assert invitations.count() == 6
    # One email per invitation, sent by the Celery task, with signed links.
    assert len([m for m in mail.outbox if "invited" in m.subject]) == 6
    assert all(email_status("invitation", i.pk) == "sent" for i in invitations)
    html = mail.outbox[0].alternatives[0][0]
    assert "Why you were matched" in html and "Accept" in html
    assert "Europe/London" in mail.outbox[0].body or "Europe" in mail.outbox[0].body
    # In-app copies exist, without a second email.
    assert Notification.objects.filter(kind="invitation").count() == 6

    # Person 0 declines through the email link (GET shows a confirm page, POST acts).
    client.force_login(seekers[0])
    decline = links_for(seekers[0])["decline"]
    page = client.get(decline)
    assert page.status_code == 200 and b"Decline the invitation" in page.content
    assert Invitation.objects.get(user=seekers[0]).status == Invitation.Status.PENDING
    with hooks(execute=True):
        client.post(decline, {"action": "decline"})
    assert Invitation.objects.get(user=seekers[0]).status == Invitation.Status.DECLINED

    # Three accept: still forming; the fourth acceptance makes it active and everyone is told.
    for person in seekers[1:5]:
        client.force_login(person)
        with hooks(execute=True):
            response = client.post(links_for(person)["accept"])
        assert response.status_code == 302
        circle.refresh_from_db()
        expected = Circle.Status.ACTIVE if person == seekers[4] else Circle.Status.FORMING
        assert circle.status == expected
    assert circle.member_count == 4
    assert circle.memberships.filter(role=Membership.Role.FACILITATOR).count() == 1
    facilitator = circle.memberships.get(role=Membership.Role.FACILITATOR)
    assert facilitator.user == seekers[1]  # the first to accept is asked
    for person in seekers[1:5]:
        assert Notification.objects.filter(user=person, title__contains="is now active").exists()

    # The member page shows names, roles and the time in the person's zone.
    page = client.get(reverse("circles:detail", args=[circle.pk]))
    assert page.status_code == 200
    assert b"Facilitator" in page.content and b"Europe/London" in page.content
    assert f"/chat/{circle.pk}/".encode() in page.content


def test_a_link_works_once_and_volunteer_becomes_facilitator(client, hooks):
    seekers = make_seekers(5)
    with hooks(execute=True):
        run_round()
    client.force_login(seekers[2])
    accept = links_for(seekers[2])["accept"]
    with hooks(execute=True):
        client.post(accept, {"volunteer": "on"})
    membership = Membership.objects.get(user=seekers[2])
    assert membership.role == Membership.Role.FACILITATOR
    with hooks(execute=True):
        response = client.post(accept, follow=True)
    assert b"already accepted" in response.content
    assert Membership.objects.filter(user=seekers[2]).count() == 1


def test_expiry_dissolves_a_forming_circle_and_gives_priority(hooks):
    seekers = make_seekers(5)
    with hooks(execute=True):
        run_round()
    circle = Circle.objects.get()
    first = Invitation.objects.filter(circle=circle).order_by("pk")[0]
    with hooks(execute=True):
        services.invitation_accept(first.user, first.pk)
    later = timezone.now() + timedelta(hours=49)

    with hooks(execute=True):
        expired = services.invitations_expire(now=later)

    assert expired == 4
    circle.refresh_from_db()
    assert circle.status == Circle.Status.CLOSED
    assert not Membership.objects.filter(circle=circle, status="active").exists()
    first.user.profile.refresh_from_db()
    assert first.user.profile.is_looking
    assert first.user.profile.waiting_rounds >= services.DISSOLVED_PRIORITY_ROUNDS
    assert Notification.objects.filter(user=first.user, title__contains="did not start").exists()
    # Everyone is a seeker again; the dissolved circle never counts as past partners.
    with hooks(execute=True):
        assert run_round().seekers == len(seekers)


def test_declines_that_make_the_minimum_unreachable_dissolve_at_once(hooks):
    make_seekers(4)
    with hooks(execute=True):
        run_round()
    circle = Circle.objects.get()
    invitation = Invitation.objects.filter(circle=circle).first()
    with hooks(execute=True):
        services.invitation_decline(invitation.user, invitation.pk)
    circle.refresh_from_db()
    assert circle.status == Circle.Status.CLOSED
    assert not Invitation.objects.filter(circle=circle, status="pending").exists()


def test_round_tops_up_a_circle_with_open_seats(client, hooks):
    circle = active_circle(members=4, capacity=6, start_slot=36 + 48)  # Tue 18:00 UTC
    circle.topics.set(circle.topics.model.objects.filter(slug="loneliness"))
    newcomer = make_seekers(1)[0]

    with hooks(execute=True):
        record = run_round()

    assert record.top_ups == 1
    invitation = Invitation.objects.get(user=newcomer)
    assert invitation.circle == circle and invitation.kind == Invitation.Kind.TOP_UP
    client.force_login(newcomer)
    with hooks(execute=True):
        client.post(links_for(newcomer)["accept"])
    circle.refresh_from_db()
    assert circle.member_count == 5
    assert Notification.objects.filter(title__contains="joined").count() == 4


def test_leave_frees_the_seat_and_below_minimum_asks_to_stay_or_close(client, hooks):
    circle = active_circle(members=4, capacity=6)
    members = list(circle.memberships.select_related("user"))
    leaver = members[0].user  # the facilitator
    client.force_login(leaver)
    assert client.get(reverse("circles:leave", args=[circle.pk])).status_code == 200
    with hooks(execute=True):
        client.post(reverse("circles:leave", args=[circle.pk]))

    circle.refresh_from_db()
    assert circle.member_count == 3
    assert circle.status == Circle.Status.PAUSED
    assert circle.memberships.filter(status="active", role="facilitator").count() == 1
    assert Notification.objects.filter(title__contains="stay open or close").count() == 3

    # A paused circle is offered by the next round and by browsing.
    assert circle.pk in [c.id for c in gather_open_circles()]
    # One vote to close is not a majority of three; two are.
    with hooks(execute=True):
        services.stay_open_vote(members[1].user, circle.pk, "close")
    circle.refresh_from_db()
    assert circle.status == Circle.Status.PAUSED
    with hooks(execute=True):
        services.stay_open_vote(members[2].user, circle.pk, "close")
    circle.refresh_from_db()
    assert circle.status == Circle.Status.CLOSED
    assert circle.member_count == 0


def test_paused_circle_that_votes_to_stay_is_reactivated_by_a_new_member(hooks):
    circle = active_circle(members=4, capacity=6)
    members = list(circle.memberships.select_related("user"))
    with hooks(execute=True):
        services.membership_leave(members[3].user, circle.pk)
    with hooks(execute=True):
        services.stay_open_vote(members[1].user, circle.pk, "stay")
    newcomer = make_seekers(1)[0]
    with hooks(execute=True):
        request = services.join_request_create(newcomer, circle.pk, "hello")
    with hooks(execute=True):
        services.join_request_approve(members[0].user, request.pk)
    circle.refresh_from_db()
    assert circle.status == Circle.Status.ACTIVE and circle.member_count == 4


def test_browse_and_join_request_approve_and_decline(client, hooks):
    circle = active_circle(members=4, capacity=6)
    facilitator = circle.memberships.get(role="facilitator").user
    alice, bob = make_seekers(2)

    client.force_login(alice)
    page = client.get(reverse("circles:browse"), {"mode": "virtual"})
    assert circle.name.encode() in page.content
    about = client.get(reverse("circles:about", args=[circle.pk]))
    assert about.status_code == 200
    # Browsing shows counts, never the member list.
    for m in circle.memberships.select_related("user"):
        assert m.user.display_name.encode() not in about.content
    with hooks(execute=True):
        client.post(reverse("circles:join_request", args=[circle.pk]), {"note": "I'd love to join"})
    mine = client.get(reverse("circles:mine"))
    assert b"Waiting for the facilitator" in mine.content

    client.force_login(bob)
    with hooks(execute=True):
        client.post(reverse("circles:join_request", args=[circle.pk]), {"note": ""})

    client.force_login(facilitator)
    page = client.get(reverse("circles:detail", args=[circle.pk]))
    assert b"I&#x27;d love to join" in page.content
    req_a = alice.join_requests.get()
    req_b = bob.join_requests.get()
    with hooks(execute=True):
        client.post(reverse("circles:join_request_decide", args=[req_a.pk, "approve"]))
    with hooks(execute=True):
        client.post(reverse("circles:join_request_decide", args=[req_b.pk, "decline"]))
    req_a.refresh_from_db()
    req_b.refresh_from_db()
    assert req_a.status == "approved" and req_b.status == "declined"
    assert Membership.objects.filter(circle=circle, user=alice, status="active").exists()
    assert not Membership.objects.filter(circle=circle, user=bob).exists()
    circle.refresh_from_db()
    assert circle.member_count == 5
    assert Notification.objects.filter(user=bob, kind="join_request").exists()


def test_browse_filters_by_topic_day_part_distance_and_language(client, hooks):
    near = active_circle(
        members=4,
        mode=Circle.Mode.IN_PERSON,
        lat=51.52,
        lon=-0.10,
        city_name="London",
        start_slot=2 * 48 + 38,  # Wednesday 19:00 UTC = 19:00 London in winter
    )
    near.topics.set(near.topics.model.objects.filter(slug="grief"))
    far = active_circle(
        members=4, mode=Circle.Mode.IN_PERSON, lat=53.48, lon=-2.24, city_name="Manchester"
    )
    german = active_circle(members=4, language="de")
    viewer = make_seekers(1)[0]
    client.force_login(viewer)

    def names(**params):
        page = client.get(reverse("circles:browse"), params)
        return {c.circle.pk for c in page.context["cards"]}

    assert names(max_km=20) >= {near.pk} and far.pk not in names(max_km=20)
    assert names(topic="grief") == {near.pk}
    assert german.pk in names(language="de") and near.pk not in names(language="de")
    assert near.pk in names(day=2, part="evening") and far.pk not in names(day=2)
    page = client.get(reverse("circles:browse"), {"max_km": 20})
    assert b"km from you" in page.content
    assert b"51.52" not in page.content  # never coordinates


def test_facilitator_renames_and_hands_over(client, hooks):
    circle = active_circle(members=4)
    fac, other = [m.user for m in circle.memberships.order_by("pk")[:2]]
    client.force_login(fac)
    client.post(
        reverse("circles:settings", args=[circle.pk]),
        {"name": "Tuesday evening friends", "join_policy": "closed"},
    )
    with hooks(execute=True):
        client.post(reverse("circles:handover", args=[circle.pk]), {"to_user": other.pk})
    circle.refresh_from_db()
    assert circle.name == "Tuesday evening friends" and circle.join_policy == "closed"
    assert circle.memberships.get(user=other).role == "facilitator"
    assert circle.memberships.get(user=fac).role == "member"
    # A member who is not the facilitator cannot rename.
    client.post(
        reverse("circles:settings", args=[circle.pk]), {"name": "Mine now", "join_policy": "open"}
    )
    circle.refresh_from_db()
    assert circle.name == "Tuesday evening friends"


def test_match_round_command_dry_run_writes_nothing(capsys, hooks):
    from django.core.management import call_command

    make_seekers(5)
    call_command("match_round", "--dry-run")
    out = capsys.readouterr().out
    assert "dry run" in out and "would propose 1 circles" in out
    assert not Circle.objects.exists() and not MatchRound.objects.exists()
    with hooks(execute=True):
        call_command("match_round")
    out = capsys.readouterr().out
    assert "writing [" in out and "5 invitations created" in out
    assert Circle.objects.count() == 1 and MatchRound.objects.count() == 1
