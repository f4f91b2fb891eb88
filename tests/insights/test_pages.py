"""The community-health page and its CSV: who may see them, what they show, and a
constant number of queries whatever the data size."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from connect.circles.models import Invitation, MatchRound
from connect.meetups.models import Feedback
from tests.factories import OnboardedUserFactory
from tests.insights.helpers import attend, circle_with, make_moderator, meetup

pytestmark = pytest.mark.django_db
URL = "/insights/"


def grow(size):
    """``size`` circles, each with a week's meetup, RSVPs, check-ins, answers, an
    invitation and a matching round: everything the figures read."""
    now = timezone.now()
    for i in range(size):
        circle, people = circle_with(5, mode="in_person", city_name=f"City {i % 3}")
        attend(
            meetup(circle, now - timedelta(days=3 + i)),
            people,
            said_yes=people,
            heard=["yes"] * 5,
        )
        Invitation.objects.create(
            circle=circle, user=OnboardedUserFactory(), status="declined", expires_at=now
        )
        MatchRound.objects.create(
            started_at=now - timedelta(days=i), placed=4, placeable=5, unplaced_reasons={"x": 1}
        )


def test_moderators_home_links_to_it(client):
    client.force_login(make_moderator())
    page = client.get(reverse("moderation:home")).content.decode()
    assert f'<a href="{URL}">Community health</a>' in page
    client.force_login(OnboardedUserFactory())
    assert "Community health" not in client.get(reverse("moderation:home")).content.decode()


def test_only_moderators(client):
    assert client.get(URL).status_code == 302
    client.force_login(OnboardedUserFactory())
    assert client.get(URL).status_code == 403
    assert client.get(URL + "health.csv").status_code == 403
    client.force_login(make_moderator())
    assert client.get(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_every_figure_is_an_inline_svg_with_a_table(client):
    grow(2)
    client.force_login(make_moderator())
    page = client.get(URL).content.decode()
    assert page.count('<svg class="chart') == 11
    assert page.count("<table>") == 11
    # Nothing the Content-Security-Policy would refuse: no inline style or script.
    assert "<style" not in page and " style=" not in page
    assert len(re.findall(r"<script", page)) == 2  # htmx and site.js from /static/, in <head>
    assert "/static/css/insights.css" in page


def test_query_count_is_constant(client, django_assert_num_queries):
    client.force_login(make_moderator())
    grow(1)
    client.get(URL)  # warm the session
    # 15 for the figures, 1 for the city list, the rest the session, person and layout.
    with django_assert_num_queries(24):
        client.get(URL + "?weeks=12&mode=in_person")
    grow(6)
    with django_assert_num_queries(24):
        response = client.get(URL + "?weeks=12&mode=in_person")
    assert response.status_code == 200
    facts = dict(response.context["panels"][6][0].facts)  # attendance: 7 circles of 5
    assert facts["Checked in"] == 35


def test_bad_filters_show_errors_and_the_default_figures(client):
    client.force_login(make_moderator())
    response = client.get(URL + "?weeks=7&mode=teleport&city=Atlantis")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"weeks", "mode", "city"}
    assert response.context["filters"].weeks == 26 and not response.context["filters"].mode


def test_weeks_start_in_the_moderators_zone(client):
    moderator = make_moderator()
    Profile.objects.filter(user=moderator).update(timezone="America/Chicago")
    client.force_login(moderator)
    assert client.get(URL).context["filters"].zone == "America/Chicago"


def test_csv_of_one_figure_and_of_all(client):
    circle, people = circle_with(5)
    occurrence = meetup(circle, timezone.now() - timedelta(days=1))
    attend(occurrence, people, said_yes=people, heard=["yes", "yes", "no"])
    client.force_login(make_moderator())
    response = client.get(URL + "health.csv?weeks=4&figure=heard")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Week of", "Answers", "Yes", "Somewhat", "No"]
    assert rows[-1] == ["Whole period", "<5", "<5", "<5", "<5"]  # 3 answers: hidden
    everything = list(csv.reader(io.StringIO(client.get(URL + "health.csv").content.decode())))
    assert everything[0] == ["figure", "row", "column", "value"]
    assert ["Meetup attendance against RSVPs", "", "Checked in", "5"] in everything
    assert {row[0] for row in everything[1:]} >= {"People waiting now", "Did people feel heard?"}
    assert Feedback.objects.count() == 3


def test_figures_are_cached_per_filter_choice(client, settings, django_assert_max_num_queries):
    settings.CONNECT_INSIGHTS_CACHE_SECONDS = 300
    client.force_login(make_moderator())
    first = client.get(URL + "?weeks=4")
    grow(1)
    # The same filters: no figure is read again (the session, layout and city list remain).
    with django_assert_max_num_queries(9):
        again = client.get(URL + "?weeks=4")
    assert again.context["as_of"] == first.context["as_of"]
    assert dict(again.context["panels"][6][0].facts)["Checked in"] == 0
    # Other filters are computed afresh and see the new meetup.
    other = client.get(URL + "?weeks=12")
    assert dict(other.context["panels"][6][0].facts)["Checked in"] == 5


def test_csv_with_bad_filters_gives_the_default_figures(client):
    client.force_login(make_moderator())
    response = client.get(URL + "health.csv?weeks=1e309&mode=%00&city=<x>&figure=../../etc")
    assert response.status_code == 200
    assert response.content.decode().startswith("figure,row,column,value")
    assert "community-health-all-" in response["Content-Disposition"]
