"""The offline city index is built as a server starts, not on the first search."""

import importlib

import pytest

from accounts import cities


@pytest.mark.parametrize("module", ["connect.wsgi", "connect.asgi"])
def test_servers_warm_the_city_index_as_they_start(monkeypatch, module):
    loaded = importlib.import_module(module)
    started = []
    monkeypatch.setattr(cities, "warm_up", lambda: started.append(True))
    importlib.reload(loaded)
    assert started == [True]


def test_warm_up_builds_the_index():
    cities._build_index.cache_clear()
    cities.warm_up()
    assert cities._build_index.cache_info().currsize == 1
    assert cities.search_cities("londo")[0].name == "London"
