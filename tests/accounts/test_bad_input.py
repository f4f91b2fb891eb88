"""Out-of-range input on profile edit answers a form error, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import Profile

pytestmark = pytest.mark.django_db


def _when_data(**overrides):
    data = {
        "timezone": "Europe/London",
        "availability": ["36", "37"],
        "languages": ["en"],
        "size_min": "4",
        "size_max": "8",
        "is_looking": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("zone", ["A" * 300, "Europe/" + "x" * 300, "../" * 100, "\x00UTC"])
def test_hole_10_long_or_odd_time_zone_is_a_form_error(client, member_user, zone):
    client.raise_request_exception = False
    client.force_login(member_user)
    before = Profile.objects.get(user=member_user).timezone
    response = client.post(reverse("profile_edit", args=["when"]), _when_data(timezone=zone))
    assert response.status_code in (200, 400)
    assert Profile.objects.get(user=member_user).timezone == before


@pytest.mark.parametrize("topic_id", [str(10**19), str(2**63), "-" + "9" * 20, "1e5"])
def test_hole_10_huge_topic_id_is_a_form_error(client, member_user, topic_id):
    client.raise_request_exception = False
    client.force_login(member_user)
    before = list(member_user.profile.topic_weights.values_list("topic_id", "weight"))
    response = client.post(
        reverse("profile_edit", args=["topics"]),
        {"topics": [topic_id], f"weight_{topic_id}": "2"},
    )
    assert response.status_code in (200, 400)
    assert list(member_user.profile.topic_weights.values_list("topic_id", "weight")) == before
