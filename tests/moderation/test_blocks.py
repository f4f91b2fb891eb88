"""Blocks: from a profile card or a message, private list, unblock, both
directions apart for chat and matching, and the offer to move circles."""

import re

import pytest
from django.urls import reverse

from connect.circles.models import Membership
from connect.safety.models import Block
from connect.safety.selectors import block_map, blocked_ids
from tests.factories import MembershipFactory


def test_block_from_a_profile_card_and_unblock(client, member_user, member):
    # They were in a circle together once (member_user left it).
    MembershipFactory(
        circle=member.memberships.get().circle, user=member_user, status=Membership.Status.LEFT
    )
    client.force_login(member_user)
    response = client.post(reverse("moderation:block"), {"user_id": member.pk})
    assert response.status_code == 302 and response["Location"] == reverse("moderation:blocks")
    assert Block.objects.filter(blocker=member_user, blocked=member).exists()
    page = client.get(reverse("moderation:blocks")).content.decode()
    assert member.display_name in page
    client.post(reverse("moderation:unblock", args=[member.pk]))
    assert not Block.objects.exists()


def test_block_from_a_message_offers_to_move_or_report(client, member, other_member, post, circle):
    message = post(other_member, "hi")
    client.force_login(member)
    response = client.post(reverse("moderation:block"), {"message_id": message.pk})
    shared_url = reverse("moderation:block_shared", args=[other_member.pk])
    assert response["Location"] == shared_url
    page = client.get(shared_url).content.decode()
    assert circle.name in page
    assert f"?type=member&amp;id={other_member.pk}" in page  # the offer to report
    seats = circle.member_count
    client.post(shared_url, {"circle_id": circle.pk})
    circle.refresh_from_db()
    assert circle.member_count == seats - 1
    assert Membership.objects.get(user=member).status == Membership.Status.LEFT
    member.profile.refresh_from_db()
    assert member.profile.is_looking  # back in the next matching round


def test_blocks_hide_messages_both_ways(member, other_member):
    Block.objects.create(blocker=member, blocked=other_member)
    # The chat app filters message lists and live messages with blocked_ids.
    assert blocked_ids(member.pk) == {other_member.pk}
    assert blocked_ids(other_member.pk) == {member.pk}


def test_block_map_keeps_blocked_pair_apart_for_matching_engine(member, other_member, member_user):
    """The matching round reads block_map for its seekers, in both directions."""
    Block.objects.create(blocker=member, blocked=other_member)
    pairs = block_map([member.pk, other_member.pk, member_user.pk])
    assert pairs[member.pk] == {other_member.pk}
    assert pairs[other_member.pk] == {member.pk}
    assert pairs[member_user.pk] == set()


def test_a_matching_round_never_puts_a_blocked_pair_together(db):
    """Ten identical seekers (one city, evenings, topics) where one blocked
    another: the real round places people, but never the pair in one circle."""
    from connect.circles.models import Invitation
    from connect.circles.rounds import run_round
    from tests.factories import OnboardedUserFactory

    seekers = [OnboardedUserFactory() for _ in range(10)]
    blocker, blocked = seekers[0], seekers[1]
    Block.objects.create(blocker=blocker, blocked=blocked)
    record = run_round()
    assert record.placed >= 8
    circle_of = dict(Invitation.objects.values_list("user_id", "circle_id"))
    assert blocker.pk in circle_of or blocked.pk in circle_of
    assert circle_of.get(blocker.pk) is None or circle_of.get(blocker.pk) != circle_of.get(
        blocked.pk
    )


def test_the_block_list_is_private(client, member, other_member, member_user):
    Block.objects.create(blocker=member, blocked=other_member)
    client.force_login(other_member)
    assert member.display_name not in client.get(reverse("moderation:blocks")).content.decode()
    assert client.get(reverse("moderation:block_shared", args=[member.pk])).status_code == 404
    client.force_login(member_user)
    assert (
        other_member.display_name not in client.get(reverse("moderation:blocks")).content.decode()
    )


def test_block_bad_input(client, member, member_user, post):
    client.force_login(member_user)
    assert client.post(reverse("moderation:block"), {"user_id": 999999}).status_code == 404
    message = post(member, "a message member_user can't see")
    assert client.post(reverse("moderation:block"), {"message_id": message.pk}).status_code == 404
    client.post(reverse("moderation:block"), {"user_id": member_user.pk})
    assert not Block.objects.exists()
    assert client.get(reverse("moderation:block")).status_code == 404


def test_move_only_from_a_shared_circle(client, member, other_member, member_user):
    Block.objects.create(blocker=member, blocked=member_user)  # no shared circle
    client.force_login(member)
    response = client.post(
        reverse("moderation:block_shared", args=[member_user.pk]),
        {"circle_id": member.memberships.get().circle_id},
    )
    assert response.status_code == 404
    assert Membership.objects.get(user=member).status == Membership.Status.ACTIVE


# --- Blocking by id reveals nothing about strangers ------------------------------

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def normalised(response) -> str:
    return CSRF.sub(r"\1", response.content.decode())


def test_hole_6_blocking_a_stranger_by_id_looks_like_a_missing_id(client, member_user, member):
    """No shared circle and no block: same status and body as an id nobody has."""
    client.force_login(member_user)
    url = reverse("moderation:block")
    missing = client.post(url, {"user_id": 10**9})
    stranger = client.post(url, {"user_id": member.pk})
    assert stranger.status_code == missing.status_code == 404
    assert normalised(stranger) == normalised(missing)
    assert member.display_name not in stranger.content.decode()
    missing_get = client.get(url, {"user_id": 10**9})
    stranger_get = client.get(url, {"user_id": member.pk})
    assert stranger_get.status_code == missing_get.status_code == 404
    assert normalised(stranger_get) == normalised(missing_get)
    assert not Block.objects.exists()


def test_people_i_share_or_shared_a_circle_with_can_be_blocked(client, member, other_member):
    Membership.objects.filter(user=other_member).update(status=Membership.Status.LEFT)
    client.force_login(member)
    response = client.post(reverse("moderation:block"), {"user_id": other_member.pk})
    assert response.status_code == 302
    assert Block.objects.filter(blocker=member, blocked=other_member).exists()


def test_hole_6_someone_who_blocked_me_answers_like_a_missing_id(client, member, member_user):
    """Being blocked must not become a way to learn who blocked you."""
    Block.objects.create(blocker=member_user, blocked=member)  # an older block, no shared circle
    client.force_login(member)
    missing = client.get(reverse("moderation:block"), {"user_id": 10**9})
    page = client.get(reverse("moderation:block"), {"user_id": member_user.pk})
    assert page.status_code == missing.status_code == 404
    assert member_user.display_name not in page.content.decode()
    assert client.post(reverse("moderation:block"), {"user_id": member_user.pk}).status_code == 404
    assert not Block.objects.filter(blocker=member).exists()


def test_hole_6_someone_i_blocked_stays_reachable_by_id(client, member, member_user):
    Block.objects.create(blocker=member, blocked=member_user)  # no shared circle
    client.force_login(member)
    assert client.get(reverse("moderation:block"), {"user_id": member_user.pk}).status_code == 200


def test_hole_6_get_shows_a_confirmation_page_that_changes_nothing(
    client, member, other_member, post
):
    client.force_login(member)
    page = client.get(reverse("moderation:block"), {"user_id": other_member.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Block {other_member.display_name}" in body
    assert "see each other" in body and "matched" in body and "not told" in body
    assert 'method="post"' in body and f'value="{other_member.pk}"' in body
    assert f"?type=member&amp;id={other_member.pk}" in body  # report them too
    message = post(other_member, "hello")
    page = client.get(reverse("moderation:block"), {"message_id": message.pk})
    assert page.status_code == 200 and other_member.display_name in page.content.decode()
    assert f"?type=message&amp;id={message.pk}" in page.content.decode()
    assert not Block.objects.exists()


@pytest.mark.parametrize(
    "data", [{"user_id": "³"}, {"message_id": "³", "user_id": "¸"}, {"user_id": str(2**64)}]
)
def test_non_ascii_digits_and_huge_ids_answer_like_a_missing_person(client, member, data):
    """'³' passes str.isdigit but is no number int() reads: a 404, never a 500."""
    client.force_login(member)
    response = client.post(reverse("moderation:block"), data)
    assert response.status_code == 404
    assert not Block.objects.exists()
