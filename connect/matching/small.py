"""Intensive search for small problems (exact-quality territory).

When a bucket (or the whole round) has few seekers, we can afford much more
than seed-and-grow: circles are free to use any start slot all their members
share, any common language, and either mode, and an iterated local search
(insert, build, borrow, move, swap, replace; then random kicks) runs for a
fixed number of iterations, so the result is deterministic for a seed.

Feasibility uses bit masks: per person, the start slots (336 bits), the
languages, and the candidate meeting points they can reach; a circle is
feasible when the AND over its members leaves a slot, a language and either
virtual-for-all or a common reachable point, and no two members clash.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .buckets import DIST_EPS_KM, Problem
from .geo import haversine_many
from .grow import Group, Point
from .types import WEEK_SLOTS, BoolArray, FloatArray, IndexArray, MatchParams


def _bits(row: BoolArray) -> int:
    out = 0
    for k in np.flatnonzero(row):
        out |= 1 << int(k)
    return out


MAX_COLUMNS = 60_000  # whole small rounds
BUCKET_COLUMNS = 600  # small buckets inside a large round (kept cheap)
ENUMERATE_POOL = 18  # slot pools up to this size: every circle of 4-5 is a candidate
BRANCH = 3  # first partners tried per person in larger pools
NEAREST = 7  # in larger pools, circles of 4-5 from each person's 7 closest matches


class SmallSolver:
    def __init__(
        self,
        prob: Problem,
        idx: IndexArray,
        params: MatchParams,
        seed: int,
        allow_virtual: bool = True,
        allow_person: bool = True,
        iterations: int | None = None,
        max_columns: int = MAX_COLUMNS,
    ) -> None:
        self.max_columns = max_columns
        self.prob = prob
        self.g = np.asarray(idx, dtype=np.int64)
        self.p = params
        n = self.n = len(self.g)
        self.rng = np.random.default_rng([seed & 0xFFFFFFFF, n, 7])
        self.slots = [_bits(prob.starts[i]) for i in self.g]
        self.langs = [_bits(prob.L[i]) for i in self.g]
        self.virt = [bool(allow_virtual and prob.can_virtual[i]) for i in self.g]
        person = [bool(allow_person and prob.can_person[i]) for i in self.g]
        pts = sorted(
            {
                (float(prob.lat[i]), float(prob.lon[i]))
                for i, ok in zip(self.g, person, strict=True)
                if ok
            }
        )
        self.points: list[Point] = pts
        reach = [0] * n
        if pts:
            lat = prob.lat[self.g]
            lon = prob.lon[self.g]
            rad = prob.radius[self.g]
            for q, (plat, plon) in enumerate(pts):
                d = haversine_many(np.nan_to_num(lat), np.nan_to_num(lon), plat, plon)
                ok = (d <= rad - DIST_EPS_KM) | (d == 0.0)
                for a in np.flatnonzero(ok):
                    if person[a]:
                        reach[a] |= 1 << q
        self.reach = reach
        g2l = {int(x): k for k, x in enumerate(self.g)}
        self.conf = [frozenset(g2l[j] for j in prob.conflicts[int(x)] if j in g2l) for x in self.g]
        U = prob.U[self.g]
        self.C: list[list[float]] = (U @ U.T).tolist()
        self.wait = [int(w) for w in prob.waiting[self.g]]
        self.iterations = iterations if iterations is not None else max(16, 2400 // max(n, 1))
        self.noise = 0.0  # random jitter of growth scores during kicks
        # state
        self.groups: list[list[int]] = []
        self.where = [-1] * n

    # -- feasibility and scores -----------------------------------------------
    def masks(self, members: Iterable[int]) -> tuple[int, int, bool, int]:
        s = ln = -1
        v = True
        r = -1
        for a in members:
            s &= self.slots[a]
            ln &= self.langs[a]
            v = v and self.virt[a]
            r &= self.reach[a]
        return s, ln, v, r

    def feasible(self, members: Sequence[int]) -> bool:
        if not members:
            return True
        s, ln, v, r = self.masks(members)
        if s == 0 or ln == 0 or not (v or r != 0):
            return False
        for x in range(len(members)):
            cx = self.conf[members[x]]
            if cx:
                for y in range(x + 1, len(members)):
                    if members[y] in cx:
                        return False
        return True

    def can_add(self, members: Sequence[int], a: int) -> bool:
        if self.conf[a] and any(m in self.conf[a] for m in members):
            return False
        s, ln, v, r = self.masks(members)
        s &= self.slots[a]
        ln &= self.langs[a]
        v = v and self.virt[a]
        r &= self.reach[a]
        return s != 0 and ln != 0 and (v or r != 0)

    def pair_sum(self, members: Sequence[int]) -> float:
        C = self.C
        t = 0.0
        for x in range(len(members)):
            row = C[members[x]]
            for y in range(x + 1, len(members)):
                t += row[members[y]]
        return t

    def quality(self, members: Sequence[int]) -> float:
        k = len(members)
        return 2.0 * self.pair_sum(members) / (k - 1) if k > 1 else 0.0

    def objective(self) -> tuple[int, int, float]:
        placed = [a for g in self.groups for a in g]
        return (
            len(placed),
            sum(self.wait[a] for a in placed),
            round(sum(self.quality(g) for g in self.groups if g), 9),
        )

    def _set(self, groups: Iterable[Sequence[int]]) -> None:
        self.groups = [list(g) for g in groups if g]
        self.where = [-1] * self.n
        for k, g in enumerate(self.groups):
            for a in g:
                self.where[a] = k

    # -- moves -------------------------------------------------------------------------
    def _unplaced(self) -> list[int]:
        out = [a for a in range(self.n) if self.where[a] < 0]
        out.sort(key=lambda a: (-self.wait[a], self._rank[a]))
        return out

    def _insert(self) -> bool:
        p = self.p
        changed = False
        for u in self._unplaced():
            best: tuple[float, int] | None = None
            for k, g in enumerate(self.groups):
                if len(g) >= p.max_size or not self.can_add(g, u):
                    continue
                d = self.quality(g + [u]) - self.quality(g)
                if best is None or d > best[0] + 1e-12:
                    best = (d, k)
            if best is not None:
                self.groups[best[1]].append(u)
                self.where[u] = best[1]
                changed = True
        return changed

    def _grow(self, seed_member: int, pool: Sequence[int], target: int) -> list[int]:
        """Best circle grown from seed_member, trying each start slot it is free at."""
        best: list[int] = [seed_member]
        best_key: tuple[int, float] | None = None
        slots = self.slots[seed_member]
        others = [c for c in pool if c != seed_member]
        tried = 0
        while slots and tried < 48:
            bit = slots & -slots
            slots ^= bit
            at = [c for c in others if self.slots[c] & bit]
            if len(at) < self.p.min_size - 1:
                continue
            tried += 1
            group = self._grow_in(seed_member, at, target)
            if len(group) < self.p.min_size:
                continue
            key = (len(group), self.quality(group) / len(group))
            if best_key is None or key > best_key:
                best, best_key = group, key
        return best

    def _grow_in(self, seed_member: int, cand: Iterable[int], target: int) -> list[int]:
        group = [seed_member]
        cand = list(cand)
        while len(group) < target:
            best: tuple[float, int] | None = None
            for c in cand:
                if c in group or not self.can_add(group, c):
                    continue
                sc = sum(self.C[c][m] for m in group) + 1e-6 * self.wait[c]
                if self.noise:
                    sc += self.noise * float(self.rng.random())
                if best is None or sc > best[0] + 1e-12:
                    best = (sc, c)
            if best is None:
                break
            group.append(best[1])
        return group

    def _build(self, target: int) -> bool:
        p = self.p
        changed = False
        while True:
            free = self._unplaced()
            if len(free) < p.min_size:
                return changed
            free.sort(key=lambda a: (self._degree(a, free), -self.wait[a], self._rank[a]))
            made = False
            for u in free:
                group = self._grow(u, free, target)
                if len(group) >= p.min_size:
                    self.groups.append(group)
                    for a in group:
                        self.where[a] = len(self.groups) - 1
                    made = changed = True
                    break
            if not made:
                return changed

    def _degree(self, a: int, pool: Sequence[int]) -> int:
        return sum(1 for b in pool if b != a and self.can_add([a], b))

    def _borrow(self) -> bool:
        """Unplaced people plus members of circles above min size form a new circle."""
        p = self.p
        unplaced = self._unplaced()
        donors = [a for g in self.groups if len(g) > p.min_size for a in g]
        for u in unplaced:
            pool = [a for a in unplaced if a != u] + donors
            slots = self.slots[u]
            while slots:
                bit = slots & -slots
                slots ^= bit
                at = [c for c in pool if self.slots[c] & bit]
                if len(at) < p.min_size - 1:
                    continue
                group = self._borrow_at(u, at)
                if group is None:
                    continue
                for c in group[1:]:
                    k = self.where[c]
                    if k >= 0:
                        self.groups[k].remove(c)
                self.groups.append(group)
                self._set(self.groups)
                return True
        return False

    def _borrow_at(self, u: int, at: Sequence[int]) -> list[int] | None:
        p = self.p
        group = [u]
        taken: dict[int, int] = {}
        scored = sorted(at, key=lambda c: (-(10.0 if self.where[c] < 0 else 0.0) - self.C[u][c], c))
        for c in scored:
            k = self.where[c]
            if k >= 0 and len(self.groups[k]) - taken.get(k, 0) <= p.min_size:
                continue
            if not self.can_add(group, c):
                continue
            group.append(c)
            if k >= 0:
                taken[k] = taken.get(k, 0) + 1
            if len(group) >= p.min_size:
                return group
        return None

    def _improve_once(self) -> bool:
        """Best quality move, swap, or unplaced-for-placed replacement."""
        p = self.p
        # (gain, kind, a, partner b or newcomer u, a's group, target group)
        best: tuple[float, str, int, int | None, int, int | None] | None = None
        G = self.groups
        Q = [self.quality(g) for g in G]
        for k, g in enumerate(G):
            for a in g:
                rest = [m for m in g if m != a]
                q_rest = self.quality(rest) if len(rest) > 1 else 0.0
                # move a to another circle
                if len(g) > p.min_size:
                    for h, gh in enumerate(G):
                        if h == k or len(gh) >= p.max_size or not self.can_add(gh, a):
                            continue
                        d = q_rest - Q[k] + self.quality(gh + [a]) - Q[h]
                        if d > 1e-9 and (best is None or d > best[0]):
                            best = (d, "move", a, None, k, h)
                # swap a with b in a later circle
                for h in range(k + 1, len(G)):
                    gh = G[h]
                    for b in gh:
                        if not self.can_add(rest, b):
                            continue
                        rest_h = [m for m in gh if m != b]
                        if not self.can_add(rest_h, a):
                            continue
                        d = self.quality(rest + [b]) - Q[k] + self.quality(rest_h + [a]) - Q[h]
                        if d > 1e-9 and (best is None or d > best[0]):
                            best = (d, "swap", a, b, k, h)
                # replace a by an unplaced person who waited at least as long
                for u in range(self.n):
                    if self.where[u] >= 0 or self.wait[u] < self.wait[a]:
                        continue
                    if not self.can_add(rest, u):
                        continue
                    d = self.quality(rest + [u]) - Q[k]
                    if self.wait[u] > self.wait[a]:
                        d += 1e6
                    if d > 1e-9 and (best is None or d > best[0]):
                        best = (d, "replace", a, u, k, None)
        if best is None:
            return False
        _, kind, a, other, k, dest = best
        if kind == "move":
            assert dest is not None
            G[k].remove(a)
            G[dest].append(a)
            self.where[a] = dest
        elif kind == "swap":
            assert other is not None and dest is not None
            G[k].remove(a)
            G[dest].remove(other)
            G[k].append(other)
            G[dest].append(a)
            self.where[a], self.where[other] = dest, k
        else:
            assert other is not None
            G[k].remove(a)
            G[k].append(other)
            self.where[a], self.where[other] = -1, k
        return True

    def local_search(self, target: int) -> None:
        for _ in range(10_000):
            if self._build(target):
                continue
            if self._insert():
                continue
            if self._borrow():
                continue
            if self._improve_once():
                continue
            break

    def _kick(self) -> None:
        if not self.groups:
            return
        r = self.rng.random()
        if r < 0.6:
            count = 1 if r < 0.25 else (2 if r < 0.45 else 3)
            for k in self.rng.permutation(len(self.groups))[:count]:
                self.groups[int(k)] = []
        else:
            placed = [a for g in self.groups for a in g]
            drop = self.rng.choice(
                placed, size=min(len(placed), int(self.rng.integers(2, 5))), replace=False
            )
            for a in drop:
                self.groups[self.where[a]].remove(int(a))
        # circles that fell below the minimum release their members
        self._set([g for g in self.groups if len(g) >= self.p.min_size])

    def solve(self) -> list[Group]:
        p = self.p
        self._rank = [int(x) for x in self.rng.permutation(self.n)]
        self.groups, self.where = [], [-1] * self.n
        target = p.target_size
        self.local_search(min(p.min_size + 1, p.max_size))
        best = (self.objective(), [list(g) for g in self.groups])
        self._columns: dict[tuple[int, ...], None] = {}
        self._remember()
        current = best
        for _ in range(self.iterations):
            self._set(current[1])
            self._kick()
            self._rank = [int(x) for x in self.rng.permutation(self.n)]
            t = int(self.rng.integers(p.min_size, max(p.min_size, target) + 1))
            # rebuild with jittered choices, then polish exactly
            self.noise = 0.3
            while self._build(t) or self._insert() or self._borrow():
                pass
            self.noise = 0.0
            self.local_search(t)
            obj = self.objective()
            self._remember()
            if obj >= current[0]:  # equal is accepted: walk along plateaus
                current = (obj, [list(g) for g in self.groups])
            if obj > best[0]:
                best = current
        self._more_columns()
        chosen = self._recombine()
        if chosen is not None:
            self._set(chosen)
            if self.objective() > best[0]:
                best = (self.objective(), [list(g) for g in self.groups])
        return self._decode(best[1])

    # -- recombination: set packing over every circle met on the way -----------------
    def _remember(self) -> None:
        for g in self.groups:
            if len(g) >= self.p.min_size:
                self._columns[tuple(sorted(g))] = None

    def _more_columns(self) -> None:
        """Candidate circles from every distinct slot pool.

        Small pools: every feasible circle of min_size and min_size + 1
        people. Larger pools: greedy circles from every person, branching on
        their few most compatible first partners. All sizes via prefixes.
        """
        from itertools import combinations

        p = self.p
        self.noise = 0.0
        pools: set[tuple[int, ...]] = set()
        for s in range(WEEK_SLOTS):
            bit = 1 << s
            at = tuple(a for a in range(self.n) if self.slots[a] & bit)
            if len(at) >= p.min_size:
                pools.add(at)
        maximal = [q for q in pools if not any(len(r) > len(q) and set(q) <= set(r) for r in pools)]
        maximal.sort()
        for pool in maximal:
            if len(pool) <= ENUMERATE_POOL and self.max_columns >= MAX_COLUMNS:
                for k in (p.min_size, p.min_size + 1):
                    if k > p.max_size:
                        continue
                    for combo in combinations(pool, k):
                        if self.feasible(list(combo)):
                            self._columns[combo] = None
            for u in pool:
                others = [c for c in pool if c != u and self.can_add([u], c)]
                near = sorted(others, key=lambda c: (-self.C[u][c], c))[:NEAREST]
                if len(pool) > ENUMERATE_POOL and self.max_columns >= MAX_COLUMNS:
                    for k in (p.min_size - 1, p.min_size):
                        for combo in combinations(near, k):
                            group = [u, *combo]
                            if self.feasible(group):
                                self._columns[tuple(sorted(group))] = None
                for f in near[:BRANCH]:
                    group = self._grow_in_from([u, f], others, p.max_size)
                    for k in range(p.min_size, len(group) + 1):
                        self._columns[tuple(sorted(group[:k]))] = None
            if len(self._columns) > self.max_columns:
                return

    def _grow_in_from(self, start: Sequence[int], cand: Sequence[int], target: int) -> list[int]:
        group = list(start)
        while len(group) < target:
            best: tuple[float, int] | None = None
            for c in cand:
                if c in group or not self.can_add(group, c):
                    continue
                sc = sum(self.C[c][m] for m in group) + 1e-6 * self.wait[c]
                if best is None or sc > best[0] + 1e-12:
                    best = (sc, c)
            if best is None:
                break
            group.append(best[1])
        return group

    def _recombine(self) -> list[list[int]] | None:
        """Best disjoint set of known circles: placed, then waiting, then quality."""
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import csr_matrix

        cols = [c for c in self._columns if self.feasible(list(c))]
        if not cols:
            return None
        rows: list[int] = []
        idx: list[int] = []
        for j, c in enumerate(cols):
            rows.extend(c)
            idx.extend([j] * len(c))
        A = csr_matrix((np.ones(len(rows)), (rows, idx)), shape=(self.n, len(cols)))
        size = np.array([len(c) for c in cols], dtype=float)
        wait = np.array([sum(self.wait[a] for a in c) for c in cols], dtype=float)
        qual = np.array([self.quality(list(c)) for c in cols], dtype=float)
        cons = [LinearConstraint(A, 0, 1)]
        integrality = np.ones(len(cols))
        bounds = Bounds(0, 1)
        opts = {"disp": False, "mip_rel_gap": 0.0, "node_limit": 400}
        x: FloatArray | None = None
        # placed first; then waiting rounds, then quality (quality sum < n + 1)
        for obj in (size, wait * (self.n + 1) + qual):
            res = milp(-obj, constraints=cons, integrality=integrality, bounds=bounds, options=opts)
            if res.x is None:
                break
            x = res.x
            best = float(obj @ x)
            cons.append(LinearConstraint(obj[None, :], best - 1e-6, np.inf))
        if x is None:
            return None
        return [list(cols[j]) for j in np.flatnonzero(x > 0.5)]

    def _decode(self, groups: Iterable[Sequence[int]]) -> list[Group]:
        out: list[Group] = []
        for g in groups:
            if len(g) < self.p.min_size:
                continue
            s, ln, _v, r = self.masks(g)
            slot = (s & -s).bit_length() - 1
            lang = (ln & -ln).bit_length() - 1
            point: Point | None = None
            if r != 0:
                # in person when possible (the product prefers meeting in a room)
                cands = [q for q in range(len(self.points)) if r >> q & 1]
                lat = self.prob.lat[self.g[g]]
                lon = self.prob.lon[self.g[g]]
                best: tuple[float, int] | None = None
                for q in cands:
                    d = haversine_many(lat, lon, *self.points[q]).max()
                    if best is None or d < best[0] - 1e-9:
                        best = (d, q)
                assert best is not None, "a common reachable point exists (r != 0)"
                point = self.points[best[1]]
            out.append(
                Group(members=sorted(int(self.g[a]) for a in g), slot=slot, lang=lang, point=point)
            )
        return out
