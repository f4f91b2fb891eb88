"""The community-health page, its charts and its CSV in Spanish, cached per language."""

import csv
import io

import pytest

from tests.insights.helpers import make_moderator
from tests.spanish import spanish_client

pytestmark = pytest.mark.django_db
URL = "/insights/"


def test_health_page_and_csv_in_spanish_and_english_side_by_side(client, settings):
    settings.CONNECT_INSIGHTS_CACHE_SECONDS = 300  # one cached entry per language
    moderator = make_moderator()
    client.force_login(moderator)
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "People waiting now" in english
    body = spanish_client(client, moderator).get(URL).content.decode()
    assert "Salud de la comunidad" in body and "Personas esperando ahora" in body
    assert '<title id="chart-waiting-title">Personas esperando ahora</title>' in body
    assert "Community health" not in body and "People waiting now" not in body
    rows = list(
        csv.reader(io.StringIO(client.get(URL + "health.csv?figure=waiting").content.decode()))
    )
    assert rows[0] == ["Rondas esperadas", "Personas"]
