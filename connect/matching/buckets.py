"""Turn validated input into arrays, and split seekers into independent buckets.

A bucket is a set of seekers that can only ever share circles with each other
in one mode: every in-person region (connected places whose people could reach
a common point) is one bucket, and all virtual-capable seekers form another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compat import topic_vocabulary, unit_vectors
from .geo import EARTH_RADIUS_KM
from .types import (
    WEEK_SLOTS,
    BoolArray,
    FloatArray,
    IndexArray,
    IntArray,
    MatchParams,
    Seeker,
)

DIST_EPS_KM = 1e-6


@dataclass
class Problem:
    """Everything about the seekers, as arrays indexed 0..n-1 in input order."""

    seekers: list[Seeker]
    ids: IntArray
    vocab: dict[str, int]
    topic_names: list[str]
    U: FloatArray  # unit topic vectors (n x d)
    un: FloatArray  # squared norms of U rows (1.0, or 0.0 for no topics)
    free: BoolArray  # n x 336
    starts: BoolArray  # n x 336: free for meeting_slots cells from here
    langs: list[str]
    L: BoolArray  # n x n_languages
    lat: FloatArray  # nan when unknown
    lon: FloatArray
    radius: FloatArray
    can_person: BoolArray
    can_virtual: BoolArray
    conflicts: list[frozenset[int]]  # symmetric, by index (blocked either way, past partners)
    waiting: IntArray
    size_lo: IntArray
    size_hi: IntArray
    index_of: dict[int, int]
    mentions: dict[int, list[int]]  # id -> indices of seekers who blocked / met that id


def start_matrix(free: BoolArray, meeting_slots: int) -> BoolArray:
    """starts[i, s]: free at cells s, s+1, ..., s+meeting_slots-1 (wrapping)."""
    out = free.copy()
    for k in range(1, meeting_slots):
        out &= np.roll(free, -k, axis=1)
    return out


def build_problem(seekers: list[Seeker], params: MatchParams) -> Problem:
    n = len(seekers)
    vocab = topic_vocabulary([s.topics for s in seekers])
    U = unit_vectors([s.topics for s in seekers], vocab)
    un = (U * U).sum(axis=1)
    rows: list[int] = []
    cols: list[int] = []
    for i, s in enumerate(seekers):
        rows.extend([i] * len(s.free_slots))
        cols.extend(s.free_slots)
    free = np.zeros((n, WEEK_SLOTS), dtype=bool)
    if rows:
        free[np.asarray(rows), np.asarray(cols)] = True
    starts = start_matrix(free, params.meeting_slots)
    langs = sorted({lang for s in seekers for lang in s.languages})
    lang_col = {lang: k for k, lang in enumerate(langs)}
    L = np.zeros((n, max(1, len(langs))), dtype=bool)
    for i, s in enumerate(seekers):
        for lang in s.languages:
            L[i, lang_col[lang]] = True
    lat = np.array([np.nan if s.lat is None else s.lat for s in seekers], dtype=np.float64)
    lon = np.array([np.nan if s.lon is None else s.lon for s in seekers], dtype=np.float64)
    radius = np.array([float(s.radius_km) for s in seekers], dtype=np.float64)
    has_point = ~np.isnan(lat)
    mode = np.array([s.mode for s in seekers], dtype=object)
    can_person = has_point & ((mode == "in_person") | (mode == "either"))
    can_virtual = (mode == "virtual") | (mode == "either")
    index_of = {s.id: i for i, s in enumerate(seekers)}
    conf: list[set[int]] = [set() for _ in range(n)]
    mentions: dict[int, list[int]] = {}
    for i, s in enumerate(seekers):
        for other in s.blocked | s.past_partners:
            mentions.setdefault(other, []).append(i)
            j = index_of.get(other)
            if j is not None and j != i:
                conf[i].add(j)
                conf[j].add(i)
    lo = np.full(n, params.min_size, dtype=np.int64)
    hi = np.full(n, params.max_size, dtype=np.int64)
    for i, s in enumerate(seekers):
        if s.size_pref is not None:
            lo[i] = max(params.min_size, min(params.max_size, s.size_pref[0]))
            hi[i] = max(lo[i], min(params.max_size, s.size_pref[1]))
    return Problem(
        seekers=list(seekers),
        ids=np.array([s.id for s in seekers], dtype=np.int64),
        vocab=vocab,
        topic_names=sorted(vocab, key=vocab.__getitem__),
        U=U,
        un=un,
        free=free,
        starts=starts,
        langs=langs,
        L=L,
        lat=lat,
        lon=lon,
        radius=radius,
        can_person=can_person,
        can_virtual=can_virtual,
        conflicts=[frozenset(c) for c in conf],
        waiting=np.array([s.waiting_rounds for s in seekers], dtype=np.int64),
        size_lo=lo,
        size_hi=hi,
        index_of=index_of,
        mentions=mentions,
    )


@dataclass
class Bucket:
    key: str
    mode: str  # "in_person" | "virtual"
    members: IndexArray  # indices into Problem arrays, ascending


def _unit_xyz(lat: FloatArray, lon: FloatArray) -> FloatArray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)


def in_person_regions(prob: Problem, members: IndexArray) -> list[IndexArray]:
    """Connected components of places whose people could meet somewhere.

    Two places are linked when their distance is at most the sum of the
    largest travel radii found at each place, which is necessary for any two
    of their people to reach a common point.
    """
    if len(members) == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    xy = np.stack([prob.lat[members], prob.lon[members]], axis=1)
    pts = np.round(xy, 6)
    uniq, inv = np.unique(pts, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    rmax = np.zeros(len(uniq))
    np.maximum.at(rmax, inv, prob.radius[members])
    xyz = _unit_xyz(uniq[:, 0], uniq[:, 1])
    reach = min(np.pi, 2 * rmax.max() / EARTH_RADIUS_KM)
    chord = 2 * np.sin(reach / 2) + 1e-12
    pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
    if len(pairs):
        dots = np.clip((xyz[pairs[:, 0]] * xyz[pairs[:, 1]]).sum(axis=1), -1.0, 1.0)
        dist = EARTH_RADIUS_KM * np.arccos(dots)
        keep = dist <= rmax[pairs[:, 0]] + rmax[pairs[:, 1]] + 1.0
        pairs = pairs[keep]
    m = len(uniq)
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])) if len(pairs) else ([], ([], [])),
        shape=(m, m),
    )
    _, labels = connected_components(graph, directed=False)
    comp = labels[inv]
    order = np.argsort(comp, kind="stable")
    cuts = np.flatnonzero(np.diff(comp[order])) + 1
    return [np.sort(members[g]) for g in np.split(order, cuts)]


def make_buckets(prob: Problem, params: MatchParams) -> tuple[list[Bucket], Bucket]:
    """In-person buckets (one per region) and the single virtual bucket."""
    person = np.flatnonzero(prob.can_person & prob.starts.any(axis=1))
    regions = in_person_regions(prob, person)
    regions.sort(key=lambda r: int(r[0]))
    buckets = [
        Bucket(key=f"in_person:{k}", mode="in_person", members=r) for k, r in enumerate(regions)
    ]
    virtual = Bucket(
        key="virtual",
        mode="virtual",
        members=np.flatnonzero(prob.can_virtual & prob.starts.any(axis=1)),
    )
    return buckets, virtual
