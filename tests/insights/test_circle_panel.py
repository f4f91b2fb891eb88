"""The facilitator's view of their own circle on the circle page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connect.insights.selectors import attendance_dropped, circle_health
from tests.insights.helpers import attend, circle_with, meetup

pytestmark = pytest.mark.django_db


def weekly(circle, people, came, heard=None):
    """Past weekly meetups, oldest first: ``came[i]`` people checked in to the i-th."""
    now = timezone.now()
    for i, n in enumerate(came):
        when = now - timedelta(weeks=len(came) - i, hours=-1)
        answers = heard[i] if heard else ()
        attend(meetup(circle, when), people[:n], said_yes=people[:6], heard=answers)


def test_attendance_and_heard_only_with_three_answers():
    circle, people = circle_with(6)
    weekly(circle, people, [6, 5, 4], heard=[["yes", "yes", "no"], ["yes", "somewhat"], []])
    meetup(circle, timezone.now() - timedelta(days=2), status="cancelled")
    health = circle_health(circle.pk, timezone.now())
    assert [row[1:] for row in health.rows] == [
        [6, 6, 66.7],
        [6, 5, "fewer than 3 answers"],
        [6, 4, "fewer than 3 answers"],
    ]
    assert not health.attendance_dropped


@pytest.mark.parametrize(
    ("came", "dropped"),
    [
        ([6, 6, 6], False),  # too few meetups to tell
        ([6, 6, 6, 6, 4, 4], True),  # 4 ≤ 75% of 6
        ([6, 6, 6, 6, 5, 5], False),
        ([1, 1, 1, 1, 0, 0], False),  # too few people before to call it a drop
        ([2, 8, 2, 8, 3, 3], True),  # 3 ≤ 75% of 5
    ],
)
def test_attendance_drop_rule(came, dropped):
    assert attendance_dropped(came) is dropped


def test_facilitator_sees_panel_and_prompt_members_do_not(client):
    circle, people = circle_with(6)
    weekly(circle, people, [6, 6, 6, 6, 2, 2])
    url = reverse("circles:detail", args=[circle.pk])
    client.force_login(people[0])
    page = client.get(url).content.decode()
    assert "How your circle is doing" in page
    assert "Fewer people came to the last two meetups" in page
    assert '<svg class="chart' in page
    client.force_login(people[1])
    page = client.get(url).content.decode()
    assert "How your circle is doing" not in page and "Fewer people came" not in page


def test_circle_page_queries_do_not_grow_with_meetups(client, django_assert_num_queries):
    small, small_people = circle_with(6)
    big, big_people = circle_with(6)
    weekly(small, small_people, [3])
    weekly(big, big_people, [6, 5, 6, 4, 6, 6, 5, 6, 6, 6], heard=[["yes"] * 4] * 10)
    counts = []
    for circle, people in ((small, small_people), (big, big_people)):
        client.force_login(people[0])
        url = reverse("circles:detail", args=[circle.pk])
        client.get(url)
        with django_assert_num_queries(21) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
