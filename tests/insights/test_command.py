"""``manage.py community_health --json [--since DATE]``."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.insights.helpers import attend, circle_with, meetup

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("community_health", *args, stdout=out)
    return out.getvalue()


def test_json_has_every_figure_with_the_page_numbers():
    circle, people = circle_with(5)
    attend(meetup(circle, timezone.now() - timedelta(days=1)), people[:3], said_yes=people[:4])
    since = (timezone.now() - timedelta(days=20)).date()
    document = json.loads(run("--json", "--since", since.isoformat()))
    assert document["period"]["weeks"] in (3, 4)
    assert set(document["figures"]) == {
        "waiting", "unplaced", "circles-formed", "rounds", "invitations", "first-meetup",
        "attendance", "retention", "heard", "safety", "blocks-leaves",
    }  # fmt: skip
    attendance = document["figures"]["attendance"]
    assert attendance["facts"] == {"Said yes": 4, "Checked in": 3, "Checked in % of yes": 75.0}


def test_plain_text_and_bad_input():
    assert "Community health:" in run("--weeks", "4")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--since", "last tuesday")
    with pytest.raises(CommandError, match="future"):
        run("--since", (timezone.now() + timedelta(days=9)).date().isoformat())
    with pytest.raises(CommandError, match="time zone"):
        run("--zone", "Mars/Olympus")
