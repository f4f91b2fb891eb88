"""A seedable, realistic synthetic workload of seekers (for tests and benchmarks).

People cluster around real cities in different time zones; each city has a
handful of nearby towns (city-level points, never addresses). Availability
follows habits in local time (weekday evenings, lunch breaks, weekend
daytime, mornings, late nights) converted to UTC cells. Topics mix popular and
rare slugs with typical co-occurrences; modes, radii, languages, blocks, past
partners and waiting rounds vary.
"""

from __future__ import annotations

import math

import numpy as np

from .types import WEEK_SLOTS, OpenCircle, Seeker

TOPICS = (
    "anxiety",
    "loneliness",
    "depression",
    "grief",
    "screens-and-ai",
    "new-parents",
    "caregiving",
    "career-change",
    "chronic-illness",
    "moving-city",
    "students",
    "divorce",
    "addiction-recovery",
    "burnout",
    "lgbtq",
    "retirement",
    "social-anxiety",
    "body-image",
    "infertility",
    "pet-loss",
    "adhd",
    "veterans",
    "neurodiversity",
    "long-covid",
    "single-parents",
)
# popularity: a steep head and a long tail
_POP = np.array([1.0 / (k + 1) ** 0.9 for k in range(len(TOPICS))])
_POP /= _POP.sum()

# topic pairs that tend to come together
_AFFINITY = {
    "grief": ("pet-loss", "caregiving", "depression"),
    "new-parents": ("loneliness", "single-parents", "infertility"),
    "anxiety": ("social-anxiety", "depression", "burnout"),
    "addiction-recovery": ("screens-and-ai", "depression"),
    "career-change": ("burnout", "moving-city", "students"),
    "chronic-illness": ("long-covid", "caregiving"),
    "divorce": ("single-parents", "loneliness"),
    "students": ("anxiety", "adhd", "loneliness"),
    "retirement": ("loneliness", "grief"),
}

# name, lat, lon, UTC offset (hours), languages (primary first), share of people
CITIES = (
    ("London", 51.5074, -0.1278, 0.0, ("en",), 0.14),
    ("Berlin", 52.5200, 13.4050, 1.0, ("de", "en"), 0.09),
    ("Madrid", 40.4168, -3.7038, 1.0, ("es", "en"), 0.08),
    ("Paris", 48.8566, 2.3522, 1.0, ("fr", "en"), 0.07),
    ("New York", 40.7128, -74.0060, -5.0, ("en", "es"), 0.14),
    ("Chicago", 41.8781, -87.6298, -6.0, ("en", "es"), 0.07),
    ("Los Angeles", 34.0522, -118.2437, -8.0, ("en", "es"), 0.09),
    ("Sao Paulo", -23.5505, -46.6333, -3.0, ("pt", "es"), 0.07),
    ("Mumbai", 19.0760, 72.8777, 5.5, ("hi", "en"), 0.08),
    ("Tokyo", 35.6762, 139.6503, 9.0, ("ja", "en"), 0.07),
    ("Sydney", -33.8688, 151.2093, 11.0, ("en",), 0.06),
    ("Toronto", 43.6532, -79.3832, -5.0, ("en", "fr"), 0.04),
)

# habits: (name, days (0=Mon), local start hour, local end hour, share)
HABITS = (
    ("weekday-evenings", (0, 1, 2, 3, 4), 18.0, 22.0, 0.40),
    ("lunch", (0, 1, 2, 3, 4), 12.0, 14.0, 0.12),
    ("weekend-daytime", (5, 6), 10.0, 17.0, 0.22),
    ("mornings", (0, 1, 2, 3, 4, 5, 6), 8.0, 12.0, 0.10),
    ("late-night", (0, 1, 2, 3, 4, 5, 6), 21.0, 24.0, 0.08),
    ("weekend-evenings", (4, 5, 6), 17.0, 22.0, 0.08),
)


def _towns(rng: np.random.Generator, lat: float, lon: float, k: int) -> list[tuple[float, float]]:
    out = [(lat, lon)]
    for _ in range(k):
        dist = rng.uniform(4, 70)
        bearing = rng.uniform(0, 2 * math.pi)
        dlat = dist / 111.2 * math.cos(bearing)
        dlon = dist / (111.2 * math.cos(math.radians(lat))) * math.sin(bearing)
        out.append((round(lat + dlat, 4), round(lon + dlon, 4)))
    return out


def _topics(rng: np.random.Generator) -> dict[str, float]:
    k = int(rng.choice([1, 2, 3, 4], p=[0.25, 0.35, 0.28, 0.12]))
    first = TOPICS[int(rng.choice(len(TOPICS), p=_POP))]
    chosen = [first]
    while len(chosen) < k:
        friends = _AFFINITY.get(chosen[0], ())
        if friends and rng.random() < 0.5:
            t = friends[int(rng.integers(len(friends)))]
        else:
            t = TOPICS[int(rng.choice(len(TOPICS), p=_POP))]
        if t not in chosen:
            chosen.append(t)
    weights = {t: float(rng.choice([1, 2, 3], p=[0.3, 0.4, 0.3])) for t in chosen}
    weights[first] = 3.0
    return weights


def _free_slots(rng: np.random.Generator, offset_h: float) -> frozenset[int]:
    names = [h[0] for h in HABITS]
    share = np.array([h[4] for h in HABITS])
    share /= share.sum()
    n_habits = 1 if rng.random() < 0.6 else 2
    picks = rng.choice(len(names), size=n_habits, replace=False, p=share)
    cells: set[int] = set()
    for p in picks:
        _, days, h0, h1, _ = HABITS[int(p)]
        use_days = [d for d in days if rng.random() < 0.65] or [days[int(rng.integers(len(days)))]]
        start = h0 + 0.5 * int(rng.integers(0, 3))
        end = h1 - 0.5 * int(rng.integers(0, 3))
        for d in use_days:
            c = d * 48 + round(start * 2)
            c_end = d * 48 + round(end * 2)
            while c < c_end:
                if rng.random() > 0.05:
                    utc = (c - round(offset_h * 2)) % WEEK_SLOTS
                    cells.add(int(utc))
                c += 1
    return frozenset(cells)


def generate(
    n: int, seed: int = 0, isolated_share: float = 0.01, cities: int | None = None
) -> list[Seeker]:
    """n synthetic seekers; same arguments -> same list.

    `cities` keeps only the first few cities (small, dense instances).
    """
    rng = np.random.default_rng(seed)
    share = np.array([c[5] for c in CITIES])
    if cities is not None:
        share[cities:] = 0.0
    share /= share.sum()
    towns = [_towns(np.random.default_rng([seed, k]), c[1], c[2], 8) for k, c in enumerate(CITIES)]
    city_of = rng.choice(len(CITIES), size=n, p=share)
    ids = np.arange(1, n + 1) * 7 + 1000  # not 0..n-1 on purpose
    seekers: list[Seeker] = []
    by_city: dict[int, list[int]] = {}
    for k in range(n):
        by_city.setdefault(int(city_of[k]), []).append(int(ids[k]))
    for k in range(n):
        ci = int(city_of[k])
        _name, clat, clon, off, langs, _ = CITIES[ci]
        ts = towns[ci]
        town = ts[0] if rng.random() < 0.5 else ts[1 + int(rng.integers(len(ts) - 1))]
        lat: float | None
        lon: float | None
        lat, lon = town
        if rng.random() < isolated_share:  # far-away village
            lat = round(clat + rng.uniform(-4, 4), 4)
            lon = round(clon + rng.uniform(-4, 4), 4)
        r = rng.random()
        mode = "in_person" if r < 0.35 else ("virtual" if r < 0.7 else "either")
        radius = float(rng.choice([5, 10, 15, 25, 40, 60], p=[0.1, 0.2, 0.25, 0.2, 0.15, 0.1]))
        if mode == "virtual" and rng.random() < 0.6:
            lat = lon = None
        languages = {langs[0]}
        if len(langs) > 1 and rng.random() < 0.45:
            languages.add(langs[1])
        if rng.random() < 0.03:
            languages.add(("en", "es", "fr", "de")[int(rng.integers(4))])
        mates = by_city[ci]
        blocked: frozenset[int] = frozenset()
        if rng.random() < 0.03:
            blocked = frozenset(int(mates[int(rng.integers(len(mates)))]) for _ in range(2))
        past: frozenset[int] = frozenset()
        if rng.random() < 0.08:
            past = frozenset(
                int(mates[int(rng.integers(len(mates)))]) for _ in range(int(rng.integers(2, 6)))
            )
        pref = None
        if rng.random() < 0.2:
            pref = [(4, 5), (4, 6), (5, 7), (6, 8)][int(rng.integers(4))]
        seekers.append(
            Seeker(
                id=int(ids[k]),
                topics=_topics(rng),
                free_slots=_free_slots(rng, off),
                mode=mode,
                lat=lat,
                lon=lon,
                radius_km=radius,
                languages=frozenset(languages),
                blocked=blocked - {int(ids[k])},
                past_partners=past - {int(ids[k])},
                waiting_rounds=int(min(8, rng.geometric(0.55) - 1)),
                size_pref=pref,
            )
        )
    return seekers


def generate_open_circles(seekers: list[Seeker], count: int, seed: int = 0) -> list[OpenCircle]:
    """Open circles built from a few outsiders' profiles (member ids not among seekers)."""
    rng = np.random.default_rng([seed, 99])
    out: list[OpenCircle] = []
    if not seekers:
        return out
    top_id = max(s.id for s in seekers)
    for k in range(count):
        ref = seekers[int(rng.integers(len(seekers)))]
        slots = sorted(ref.free_slots)
        if not slots:
            continue
        n_members = int(rng.integers(3, 7))
        members = tuple(top_id + 1 + k * 10 + j for j in range(n_members))
        mode = "in_person" if ref.mode == "in_person" and ref.lat is not None else "virtual"
        out.append(
            OpenCircle(
                id=k + 1,
                member_ids=members,
                start_slot=slots[int(rng.integers(len(slots)))],
                mode=mode,
                lat=ref.lat if mode == "in_person" else None,
                lon=ref.lon if mode == "in_person" else None,
                languages=ref.languages,
                topics=dict(ref.topics),
                seats=int(rng.integers(1, 4)),
            )
        )
    return out
