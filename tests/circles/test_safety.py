"""Safety rules around joining circles: agreements first, blocks respected."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from connect.circles import services
from connect.circles.models import Circle, Invitation, JoinRequest, Membership
from connect.circles.rounds import run_round
from connect.notifications.models import Notification
from connect.safety.models import Block
from tests.circles.helpers import active_circle, links_for, make_seekers

pytestmark = pytest.mark.django_db

AGREE_FIRST = "Please confirm you are 18 or over and accept the community guidelines first."


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _snapshot():
    return (
        list(Invitation.objects.values_list("pk", "status").order_by("pk")),
        list(Membership.objects.values_list("pk", "status").order_by("pk")),
        list(JoinRequest.objects.values_list("pk", "status").order_by("pk")),
        list(Circle.objects.values_list("pk", "status", "member_count").order_by("pk")),
        Notification.objects.count(),
    )


def _withdraw_agreement(user):
    """18+ never confirmed (stale guidelines are sent to the re-accept page first)."""
    profile = user.profile
    profile.adult_confirmed_at = None
    profile.save()


# --- Agreements ---------------------------------------------------------------


def test_hole_3_join_request_needs_agreements(client):
    from tests.factories import UserFactory

    circle = active_circle(members=4)
    newcomer = UserFactory()  # signed up, never confirmed 18+ nor the guidelines
    before = _snapshot()
    with pytest.raises(services.CircleError, match="18 or over"):
        services.join_request_create(newcomer, circle.pk, "hello")
    assert _snapshot() == before

    client.force_login(newcomer)
    response = client.post(reverse("circles:join_request", args=[circle.pk]), {"note": "hi"})
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding_step", args=["agreements"])
    assert AGREE_FIRST in _messages(response)
    assert _snapshot() == before


def test_hole_3_invitation_accept_needs_agreements_page_and_link(client, hooks):
    seekers = make_seekers(5)
    with hooks(execute=True):
        run_round()
    person = seekers[0]
    inv = Invitation.objects.get(user=person)
    accept_link = links_for(person)["accept"]
    _withdraw_agreement(person)
    before = _snapshot()

    with pytest.raises(services.CircleError, match="18 or over"):
        services.invitation_accept(person, inv.pk)
    assert _snapshot() == before

    client.force_login(person)
    page = client.post(reverse("circles:invitation", args=[inv.pk]), {"action": "accept"})
    assert page.status_code == 302
    assert page["Location"] == reverse("onboarding_step", args=["agreements"])
    assert AGREE_FIRST in _messages(page)
    link = client.post(accept_link)
    assert link.status_code == 302
    assert link["Location"] == reverse("onboarding_step", args=["agreements"])
    assert _snapshot() == before


def test_hole_3_approving_someone_without_agreements_is_refused():
    circle = active_circle(members=4)
    facilitator = circle.memberships.get(role="facilitator").user
    person = make_seekers(1)[0]
    req = services.join_request_create(person, circle.pk, "")
    _withdraw_agreement(person)
    before = _snapshot()
    with pytest.raises(services.CircleError, match="can't join"):
        services.join_request_approve(facilitator, req.pk)
    assert _snapshot() == before


# --- Blocks -------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["member_blocked_person", "person_blocked_member"])
def test_blocked_pair_cannot_send_a_join_request_nor_see_the_circle(client, direction):
    circle = active_circle(members=4)
    other = active_circle(members=4)
    member = circle.memberships.filter(role="member").first().user
    person = make_seekers(1)[0]
    if direction == "member_blocked_person":
        Block.objects.create(blocker=member, blocked=person)
    else:
        Block.objects.create(blocker=person, blocked=member)
    before = _snapshot()
    client.force_login(person)
    response = client.post(reverse("circles:join_request", args=[circle.pk]), {"note": "hi"})
    messages = _messages(response)
    assert messages == ["You can't ask to join this circle."]
    assert "block" not in " ".join(messages).lower()
    assert _snapshot() == before
    page = client.get(reverse("circles:browse"))
    assert circle.name.encode() not in page.content
    assert other.name.encode() in page.content
    # Reached by its address, the page looks as for anyone (no member list);
    # asking to join gets the same calm refusal as above.
    assert client.get(reverse("circles:about", args=[circle.pk])).status_code == 200


def test_approving_a_request_from_someone_now_blocked_is_refused():
    circle = active_circle(members=4)
    facilitator = circle.memberships.get(role="facilitator").user
    member = circle.memberships.filter(role="member").first().user
    person = make_seekers(1)[0]
    req = services.join_request_create(person, circle.pk, "")
    Block.objects.create(blocker=member, blocked=person)
    before = _snapshot()
    with pytest.raises(services.CircleError, match="can't join"):
        services.join_request_approve(facilitator, req.pk)
    assert _snapshot() == before


def test_facilitator_in_a_block_is_not_told_of_the_request():
    circle = active_circle(members=4)
    facilitator = circle.memberships.get(role="facilitator").user
    person = make_seekers(1)[0]
    Block.objects.create(blocker=person, blocked=facilitator)
    with pytest.raises(services.CircleError, match="can't ask to join"):
        services.join_request_create(person, circle.pk, "hello")
    assert not Notification.objects.filter(user=facilitator, kind="join_request").exists()
    assert not JoinRequest.objects.exists()


# --- Bad input ------------------------------------------------------------------


@pytest.mark.parametrize("to_user", [str(10**30), str(2**63), "-" + "9" * 25, "1e400", "x"])
def test_hole_10_handover_to_an_impossible_id_is_refused(client, to_user):
    circle = active_circle(members=4)
    facilitator = circle.memberships.get(role="facilitator").user
    client.raise_request_exception = False
    client.force_login(facilitator)
    before = list(Membership.objects.values_list("pk", "role").order_by("pk"))
    response = client.post(reverse("circles:handover", args=[circle.pk]), {"to_user": to_user})
    assert response.status_code in (302, 400)
    assert list(Membership.objects.values_list("pk", "role").order_by("pk")) == before


# --- Safety controls where people meet ------------------------------------------


def test_circle_page_has_block_and_report_for_every_other_member(client):
    circle = active_circle(members=5)
    me = circle.memberships.get(role="facilitator").user
    client.force_login(me)
    page = client.get(reverse("circles:detail", args=[circle.pk])).content.decode()
    report = reverse("moderation:report")
    block = reverse("moderation:block")
    for m in circle.memberships.select_related("user__profile").exclude(user=me):
        assert f"{report}?type=member&amp;id={m.user_id}" in page
        assert f"{block}?user_id={m.user_id}" in page
    assert f"?type=member&amp;id={me.pk}" not in page
    assert f"?user_id={me.pk}" not in page
    assert f"{report}?type=circle&amp;id={circle.pk}" in page
    assert "Report this circle" in page


def test_about_page_offers_to_report_the_circle(client):
    circle = active_circle(members=4)
    client.force_login(make_seekers(1)[0])
    page = client.get(reverse("circles:about", args=[circle.pk])).content.decode()
    assert f"{reverse('moderation:report')}?type=circle&amp;id={circle.pk}" in page
    assert "Report this circle" in page
    form = client.get(reverse("moderation:report"), {"type": "circle", "id": circle.pk})
    assert form.status_code == 200


def test_hole_3_matching_invites_only_people_who_agreed():
    from django.utils import timezone

    from accounts.selectors import week_start_utc
    from connect.circles.rounds import gather_seekers

    agreed, stale, never = make_seekers(3)
    stale.profile.guidelines_version = "2000-01"
    stale.profile.save()
    _withdraw_agreement(never)
    ids = {s.id for s in gather_seekers(week_start_utc(timezone.now().date()))}
    assert agreed.pk in ids
    assert stale.pk not in ids and never.pk not in ids
