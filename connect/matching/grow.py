"""Seed-and-grow construction of circles inside one bucket.

Every bucket keeps, for each start slot, the list of its people who are free
for a whole meeting from that slot. A circle is always drawn from one such
list, so its members share a time by construction. Seeds are taken from the
most constrained people first (fewest others at their best time, longer
waiting first); each seed picks the slot / meeting point / language that
offers it the most compatible company, then the circle grows greedily by the
candidate with the highest summed compatibility with the circle so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias, overload

import numpy as np

from .buckets import DIST_EPS_KM, Bucket, Problem
from .geo import haversine_many
from .types import WEEK_SLOTS, BoolArray, FloatArray, IndexArray, IntArray, MatchParams

Point: TypeAlias = tuple[float, float]  # (lat, lon)
# a seed's choice: (score, slot, meeting point, language column, candidates, their compat)
Option: TypeAlias = tuple[float, int, Point | None, int, IndexArray, FloatArray]

MAX_SLOT_OPTIONS = 4  # slots a seed compares in large buckets
GROW_POOL = 96  # candidates (most compatible with the seed) considered while growing
KEEP_RATIO = 0.9  # grow past min_size only with people this close to the circle's mean
ROOMY_POOL = 12  # ... and only when the seed's pool is at least this large


@dataclass
class Group:
    members: list[int]  # local indices into the bucket
    slot: int
    lang: int  # column in Problem.langs
    point: Point | None  # meeting point (in-person only)
    reach: BoolArray | None = field(default=None, repr=False)  # local mask


class BucketData:
    """Local copies of the arrays of one bucket, plus helpers."""

    def __init__(self, prob: Problem, bucket: Bucket, params: MatchParams):
        g = bucket.members
        self.prob = prob
        self.bucket = bucket
        self.params = params
        self.g: IndexArray = g
        self.n = len(g)
        self.person = bucket.mode == "in_person"
        self.U = prob.U[g]
        self.un = prob.un[g]
        self.starts = prob.starts[g]
        self.L = prob.L[g]
        self.lat = prob.lat[g]
        self.lon = prob.lon[g]
        self.radius = prob.radius[g]
        self.wait = prob.waiting[g]
        self.size_lo = prob.size_lo[g]
        self.size_hi = prob.size_hi[g]
        g2l = {int(x): k for k, x in enumerate(g)}
        self.conf: list[frozenset[int]] = [
            frozenset(g2l[j] for j in prob.conflicts[int(x)] if j in g2l) for x in g
        ]
        self.pools = [np.flatnonzero(self.starts[:, s]) for s in range(WEEK_SLOTS)]
        self._reach_cache: dict[Point, BoolArray] = {}
        self.conf_arr = [np.array(sorted(c), dtype=np.int64) for c in self.conf]
        self._mark = np.zeros(self.n, dtype=bool)
        self.hubs: list[Point] = self._hubs() if self.person else []

    # -- geography -------------------------------------------------------
    @overload
    def reach(self, point: Point) -> BoolArray: ...
    @overload
    def reach(self, point: None) -> None: ...
    @overload
    def reach(self, point: Point | None) -> BoolArray | None: ...
    def reach(self, point: Point | None) -> BoolArray | None:
        """Local mask of people within their own radius of `point`."""
        if point is None:
            return None
        key = (round(point[0], 7), round(point[1], 7))
        got = self._reach_cache.get(key)
        if got is None:
            d = haversine_many(self.lat, self.lon, point[0], point[1])
            got = (d <= self.radius - DIST_EPS_KM) | (d == 0.0)
            if len(self._reach_cache) < 4096:
                self._reach_cache[key] = got
        return got

    def _hubs(self, count: int = 3, sample: int = 256) -> list[Point]:
        """Places many people of the bucket can reach (candidate meeting points)."""
        xy = np.stack([self.lat, self.lon], axis=1)
        pts = np.round(xy, 6)
        uniq, counts = np.unique(pts, axis=0, return_counts=True)
        order = np.lexsort((uniq[:, 1], uniq[:, 0], -counts))[:sample]
        scored: list[tuple[int, Point]] = []
        for k in order:
            p = (float(uniq[k, 0]), float(uniq[k, 1]))
            scored.append((-int(self.reach(p).sum()), p))
        scored.sort()
        return [p for _, p in scored[:count]]

    def drop_conflicts(self, i: int, cand: IndexArray) -> IndexArray:
        """cand without the people i clashes with (blocks either way, past partners)."""
        ca = self.conf_arr[i]
        if len(ca) == 0:
            return cand
        self._mark[ca] = True
        out = cand[~self._mark[cand]]
        self._mark[ca] = False
        return out

    def own_point(self, i: int) -> Point:
        return (float(self.lat[i]), float(self.lon[i]))


def degree_estimate(bd: BucketData) -> FloatArray:
    """Rough number of others sharing a language at the person's best start slot."""
    est: FloatArray = np.zeros(bd.n, dtype=np.float64)
    S = bd.starts.astype(np.float32)
    for col in range(bd.L.shape[1]):
        speakers = bd.L[:, col]
        if not speakers.any():
            continue
        per_slot = S[speakers].sum(axis=0)
        best = (S * per_slot[None, :]).max(axis=1)
        est = np.where(speakers, np.maximum(est, best), est)
    return est - 1


class Grower:
    def __init__(
        self, bd: BucketData, params: MatchParams, rank: IntArray, shuffle: bool = False
    ) -> None:
        self.bd = bd
        self.shuffle = shuffle
        self.p = params
        self.rank = rank  # deterministic tie-break order
        self.assigned = np.zeros(bd.n, dtype=bool)
        self.groups: list[Group] = []
        self.group_of = np.full(bd.n, -1, dtype=np.int64)

    # -- candidate pools ---------------------------------------------------
    def _candidates(self, i: int, s: int, point: Point | None, lang: int) -> IndexArray:
        bd = self.bd
        pool = bd.pools[s]
        mask = ~self.assigned[pool] & bd.L[pool, lang]
        if point is not None:
            mask &= bd.reach(point)[pool]
        cand = pool[mask]
        cand = cand[cand != i]
        return bd.drop_conflicts(i, cand)

    def _options(self, i: int) -> list[tuple[int, Point | None, int]]:
        bd = self.bd
        slots = np.flatnonzero(bd.starts[i])
        if len(slots) == 0:
            return []
        free_counts = np.array([len(bd.pools[s]) for s in slots])
        if len(slots) > MAX_SLOT_OPTIONS and bd.n > 200:
            avail = np.array([(~self.assigned[bd.pools[s]]).sum() for s in slots])
            top = np.lexsort((slots, -free_counts, -avail))[:MAX_SLOT_OPTIONS]
            slots = slots[np.sort(top)]
        langs = np.flatnonzero(bd.L[i])
        points: list[Point | None] = [None]
        if bd.person:
            points = [bd.own_point(i)]
            for h in bd.hubs:
                if bd.reach(h)[i] and h not in points:
                    points.append(h)
        return [(int(s), p, int(lg)) for s in slots for p in points for lg in langs]

    def best_option(self, i: int, want: int) -> Option | None:
        """Pick (slot, point, lang, candidates) giving the seed the best company."""
        best: Option | None = None
        for s, point, lang in self._options(i):
            cand = self._candidates(i, s, point, lang)
            if len(cand) < self.p.min_size - 1:
                continue
            comp = self.bd.U[cand] @ self.bd.U[i]
            k = min(want, len(cand))
            top = np.partition(comp, len(comp) - k)[len(comp) - k :]
            score = float(top.sum()) + 1e-3 * len(cand) ** 0.5
            if best is None or score > best[0] + 1e-12:
                best = (score, s, point, lang, cand, comp)
        return best

    def grow_from(self, i: int, option: Option, target: int) -> list[int] | None:
        _, _s, _point, _lang, cand, comp = option
        bd = self.bd
        # in a scarce pool everyone may be needed: grow to the target size there
        close_knit = len(cand) >= ROOMY_POOL
        if len(cand) > GROW_POOL:
            keep = np.argpartition(-comp, GROW_POOL)[:GROW_POOL]
            keep.sort()
            cand, comp = cand[keep], comp[keep]
        group = [i]
        total = bd.U[i].copy()
        ok = np.ones(len(cand), dtype=bool)
        if len(cand) == 0:
            return None
        Uc = bd.U[cand]
        bonus = 1e-4 * np.minimum(bd.wait[cand], 50) - 1e-9 * self.rank[cand]
        pair_sum = 0.0
        while len(group) < target and ok.any():
            gain = Uc @ total
            score = np.where(ok, gain + bonus, -np.inf)
            k = int(np.argmax(score))
            if close_knit and len(group) >= self.p.min_size:
                # beyond the minimum, only take people who keep the circle as close-knit
                size = len(group)
                mean_pair = 2.0 * pair_sum / (size * (size - 1))
                if gain[k] / size < KEEP_RATIO * mean_pair:
                    break
            j = int(cand[k])
            group.append(j)
            pair_sum += float(gain[k])
            total += bd.U[j]
            ok[k] = False
            if len(bd.conf_arr[j]):
                bd._mark[bd.conf_arr[j]] = True
                ok &= ~bd._mark[cand]
                bd._mark[bd.conf_arr[j]] = False
        if len(group) < self.p.min_size:
            return None
        return group

    def add_group(self, members: list[int], s: int, point: Point | None, lang: int) -> None:
        gid = len(self.groups)
        reach = self.bd.reach(point)
        self.groups.append(
            Group(members=list(members), slot=s, lang=lang, point=point, reach=reach)
        )
        for m in members:
            self.assigned[m] = True
            self.group_of[m] = gid

    def seed_order(self) -> IndexArray:
        bd = self.bd
        est = degree_estimate(bd)
        scarce = (est < 2 * self.p.max_size).astype(np.int64)
        if self.shuffle:  # restarts: random order inside the same priority tier
            return np.lexsort((self.rank, -np.minimum(bd.wait, 1000), -scarce))
        return np.lexsort((self.rank, est, -np.minimum(bd.wait, 1000), -scarce))

    def run(self) -> None:
        p = self.p
        for i in self.seed_order():
            i = int(i)
            if self.assigned[i]:
                continue
            bd = self.bd
            target = int(min(max(p.target_size, bd.size_lo[i]), bd.size_hi[i]))
            option = self.best_option(i, target - 1)
            if option is None:
                continue
            group = self.grow_from(i, option, target)
            if group is None:
                continue
            _, s, point, lang, _, _ = option
            self.add_group(group, s, point, lang)
