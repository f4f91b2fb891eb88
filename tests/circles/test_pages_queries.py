"""Pages that list things run a fixed number of queries, however long the list."""

import pytest
from django.urls import reverse

from tests.circles.helpers import active_circle, make_seekers

pytestmark = pytest.mark.django_db


def _count(client, url, django_assert_max_num_queries, n):
    with django_assert_max_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_browse_query_count_does_not_grow(client, django_assert_num_queries):
    viewer = make_seekers(1)[0]
    client.force_login(viewer)
    active_circle(members=4)
    client.get(reverse("circles:browse"))  # warm the session
    # 7 including the site-wide middleware and header reads: which circles
    # match (one query over all of them), then the shown page's circles and
    # their topics; never per circle.
    with django_assert_num_queries(7):
        client.get(reverse("circles:browse"))
    for _ in range(5):
        active_circle(members=5)
    with django_assert_num_queries(7):
        response = client.get(reverse("circles:browse"))
    assert len(response.context["cards"]) == 6


def test_circle_page_query_count_does_not_grow(client, django_assert_num_queries):
    small = active_circle(members=4, capacity=8)
    big = active_circle(members=8, capacity=8)
    me_small = small.memberships.get(role="facilitator").user
    me_big = big.memberships.get(role="facilitator").user
    client.force_login(me_small)
    client.get(reverse("circles:detail", args=[small.pk]))
    # 16 with the embedded meetups list, chat panel and (the facilitator's) one-query
    # attendance panel; the same for 4 or 8 members.
    with django_assert_num_queries(16):
        client.get(reverse("circles:detail", args=[small.pk]))
    client.force_login(me_big)
    client.get(reverse("circles:detail", args=[big.pk]))
    with django_assert_num_queries(16):
        response = client.get(reverse("circles:detail", args=[big.pk]))
    assert len(response.context["members"]) == 8


def test_browse_shows_a_page_of_circles_and_links_to_the_next(client):
    viewer = make_seekers(1)[0]
    client.force_login(viewer)
    for _ in range(23):
        active_circle(members=4)
    response = client.get(reverse("circles:browse"), {"language": "en"})
    assert len(response.context["cards"]) == 20
    page = response.content.decode()
    assert "23 circles found" in page
    assert "language=en&amp;page=2" in page
    response = client.get(reverse("circles:browse"), {"language": "en", "page": 2})
    assert len(response.context["cards"]) == 3
    assert "language=en&amp;page=1" in response.content.decode()
