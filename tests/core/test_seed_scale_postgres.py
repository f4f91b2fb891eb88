"""seed_scale on PostgreSQL, scaled down: bulk_create returns ids there too."""

from io import StringIO

import pytest
from django.core.management import call_command

from connect.chat.models import Message
from connect.circles.models import Circle

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_scaled_down_on_postgres():
    call_command("seed_scale", people=100, messages=500, weeks=8, stdout=StringIO())
    assert Circle.objects.count() == 15 and Message.objects.count() == 500
