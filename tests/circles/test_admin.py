"""Operators see matching rounds in the admin, read-only."""

import pytest
from django.urls import reverse

from connect.circles.models import MatchRound
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rounds_are_listed_read_only(client, hooks):
    from connect.circles.rounds import run_round
    from tests.circles.helpers import make_seekers

    make_seekers(5)
    with hooks(execute=True):
        record = run_round()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:circles_matchround_changelist"))
    assert page.status_code == 200 and b"field-quality_ratio" in page.content
    assert client.get(reverse("admin:circles_matchround_add")).status_code == 403
    detail = client.get(reverse("admin:circles_matchround_change", args=[record.pk]))
    assert detail.status_code == 200 and b'name="seekers"' not in detail.content
    client.post(reverse("admin:circles_matchround_delete", args=[record.pk]), {"post": "yes"})
    assert MatchRound.objects.filter(pk=record.pk).exists()
