"""Refusals: each gives a clear message and changes nothing."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import week_start_utc
from connect.circles import services
from connect.circles.models import Circle, Invitation, JoinRequest, Membership
from connect.circles.rounds import gather_seekers, run_round
from connect.circles.tokens import SALT
from connect.safety.models import Suspension
from tests.circles.helpers import active_circle, links_for, make_seekers

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def invited(hooks):
    seekers = make_seekers(5)
    with hooks(execute=True):
        run_round()
    return seekers


def _snapshot():
    return (
        list(Invitation.objects.values_list("pk", "status").order_by("pk")),
        list(Membership.objects.values_list("pk", "status").order_by("pk")),
        list(Circle.objects.values_list("pk", "status", "member_count").order_by("pk")),
    )


def test_expired_link(client, invited):
    person = invited[0]
    accept = links_for(person)["accept"]
    Invitation.objects.filter(user=person).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = _snapshot()
    client.force_login(person)
    response = client.post(accept)
    assert "This invitation has expired." in _messages(response)
    assert _snapshot() == before


def test_link_older_than_its_signature_age_is_refused(client, invited, settings):
    person = invited[0]
    accept = links_for(person)["accept"]
    settings.CONNECT_INVITATION_HOURS = -2  # the signature's max_age is now in the past
    before = _snapshot()
    client.force_login(person)
    response = client.post(accept)
    assert "This link has expired." in _messages(response)
    assert _snapshot() == before


def test_already_used_link(client, invited, hooks):
    person = invited[0]
    links = links_for(person)
    client.force_login(person)
    with hooks(execute=True):
        client.post(links["accept"])
    before = _snapshot()
    response = client.post(links["accept"])
    assert "You have already accepted this invitation." in _messages(response)
    response = client.post(links["decline"])
    assert "You have already accepted this invitation." in _messages(response)
    assert _snapshot() == before


def test_tampered_link(client, invited):
    person, other = invited[0], invited[1]
    accept = links_for(person)["accept"]
    token = accept.rstrip("/").rsplit("/", 1)[1]
    other_inv = Invitation.objects.get(user=other)
    forged_payload = signing.dumps({"i": other_inv.pk, "u": person.pk, "a": "accept"}, salt="x")
    before = _snapshot()
    client.force_login(person)
    for bad in (token[:-2] + "xx", forged_payload, "garbage"):
        response = client.post(reverse("circles:invitation_link", args=[bad]))
        assert response.status_code == 302
        assert any("not valid" in m for m in _messages(response))
    assert _snapshot() == before
    # The salt matters: the same payload signed with the right salt would be accepted.
    assert signing.loads(signing.dumps({"a": 1}, salt=SALT), salt=SALT) == {"a": 1}


def test_someone_elses_link(client, invited):
    owner, intruder = invited[0], invited[1]
    accept = links_for(owner)["accept"]
    before = _snapshot()
    client.force_login(intruder)
    for response in (client.get(accept), client.post(accept)):
        assert any("for someone else" in m for m in _messages(response))
    # Their invitation page is a 404 for anyone else.
    inv = Invitation.objects.get(user=owner)
    assert client.get(reverse("circles:invitation", args=[inv.pk])).status_code == 404
    assert (
        client.post(reverse("circles:invitation", args=[inv.pk]), {"action": "accept"}).status_code
        == 404
    )
    with pytest.raises(services.CircleError, match="for someone else"):
        services.invitation_accept(intruder, inv.pk)
    assert _snapshot() == before


def test_accepting_while_suspended(client, invited):
    person = invited[0]
    inv = Invitation.objects.get(user=person)
    Suspension.objects.create(user=person, starts_at=timezone.now(), reason="test")
    before = _snapshot()
    with pytest.raises(services.CircleError, match="suspended"):
        services.invitation_accept(person, inv.pk)
    assert _snapshot() == before
    # Suspended people are also not seekers in the next round.
    assert person.pk not in [s.id for s in gather_seekers(week_start_utc(timezone.now().date()))]


def test_get_on_a_link_never_changes_anything(client, invited):
    person = invited[0]
    client.force_login(person)
    before = _snapshot()
    assert client.get(links_for(person)["accept"]).status_code == 200
    assert _snapshot() == before


def test_joining_a_full_circle(client, hooks):
    circle = active_circle(members=4, capacity=4)
    person = make_seekers(1)[0]
    client.force_login(person)
    before = _snapshot()
    response = client.post(reverse("circles:join_request", args=[circle.pk]), {"note": "hi"})
    assert "This circle is full." in _messages(response)
    assert not JoinRequest.objects.exists()
    assert _snapshot() == before


def test_approving_when_the_circle_filled_up_meanwhile():
    circle = active_circle(members=4, capacity=5)
    facilitator = circle.memberships.get(role="facilitator").user
    a, b = make_seekers(2)
    req_a = services.join_request_create(a, circle.pk, "")
    req_b = services.join_request_create(b, circle.pk, "")
    services.join_request_approve(facilitator, req_a.pk)
    before = _snapshot()
    with pytest.raises(services.CircleError, match="full"):
        services.join_request_approve(facilitator, req_b.pk)
    assert _snapshot() == before
    req_b.refresh_from_db()
    assert req_b.status == JoinRequest.Status.PENDING


def test_join_request_to_a_closed_circle(client):
    circle = active_circle(members=4, status=Circle.Status.CLOSED)
    person = make_seekers(1)[0]
    client.force_login(person)
    before = _snapshot()
    response = client.post(reverse("circles:join_request", args=[circle.pk]), {"note": "hi"})
    assert any("not taking new members" in m for m in _messages(response))
    assert not JoinRequest.objects.exists()
    assert _snapshot() == before
    # Closed circles are not browsable at all.
    assert client.get(reverse("circles:about", args=[circle.pk])).status_code == 404


def test_join_request_when_not_taking_requests_or_blocked():
    from connect.safety.models import Block

    circle = active_circle(members=4)
    person = make_seekers(1)[0]
    Block.objects.create(blocker=circle.memberships.first().user, blocked=person)
    with pytest.raises(services.CircleError, match="can't ask to join"):
        services.join_request_create(person, circle.pk, "")
    circle.join_policy = Circle.JoinPolicy.BY_INVITATION
    circle.save()
    other = make_seekers(1)[0]
    with pytest.raises(services.CircleError, match="not taking join requests"):
        services.join_request_create(other, circle.pk, "")
    assert not JoinRequest.objects.exists()


def test_only_the_facilitator_decides_join_requests(client):
    circle = active_circle(members=4)
    plain_member = circle.memberships.filter(role="member").first().user
    req = services.join_request_create(make_seekers(1)[0], circle.pk, "")
    client.force_login(plain_member)
    url = reverse("circles:join_request_decide", args=[req.pk, "approve"])
    assert client.post(url).status_code == 404
    req.refresh_from_db()
    assert req.status == JoinRequest.Status.PENDING


def test_non_members_get_404_on_member_pages(client):
    circle = active_circle(members=4)
    outsider = make_seekers(1)[0]
    client.force_login(outsider)
    for name in ("detail", "leave"):
        assert client.get(reverse(f"circles:{name}", args=[circle.pk])).status_code == 404
    for name in ("leave", "settings", "handover", "vote"):
        assert client.post(reverse(f"circles:{name}", args=[circle.pk])).status_code == 404
    # A former member is a non-member too.
    leaver = circle.memberships.filter(role="member").first().user
    services.membership_leave(leaver, circle.pk)
    client.force_login(leaver)
    assert client.get(reverse("circles:detail", args=[circle.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("circles:detail", args=[circle.pk])).status_code == 302
