"""Placeability and the honest upper bound on quality.

For every seeker, every start slot and every language they speak, look at
the people who are pairwise feasible with them there (same mode, reachable:
distance <= r1 + r2 for in-person, that language, no block or past
partnership, both free for the whole meeting from that slot). A seeker is
*placeable* when some (slot, language) has at least min_size - 1 such people
(or an open circle could seat them). Their bound is the best, over slots and
languages, of the mean of their min_size - 1 highest compatibilities there
(or their compatibility with an open circle they could join, when higher).
No member of a valid circle can score more: their quality is a mean over at
least min_size - 1 such partners, all at the circle's slot and language.

Virtual pools are large, so there people with identical topic vectors share
one row and one column (up to min_size copies), and blocks are ignored for
the bound (a relaxation: the bound can only get larger, never smaller); the
placeability count still subtracts blocked partners exactly. In-person pools
are small and are computed person by person, blocks included; rows whose best
compatibility at a slot cannot beat the bound they already have are skipped
before the top-k selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .buckets import Bucket, Problem
from .geo import haversine_matrix
from .types import WEEK_SLOTS, BoolArray, Float32Array, FloatArray, IndexArray, IntArray

CHUNK = 4096


class _BucketBound:
    def __init__(self, prob: Problem, members: IndexArray, person: bool, need: int) -> None:
        self.members = members
        self.person = person
        self.need = need
        self.U = prob.U[members].astype(np.float32)
        self.starts = prob.starts[members]
        self.L = prob.L[members]
        self.best = np.zeros(len(members), dtype=np.float32)
        self.best1 = np.zeros(len(members), dtype=np.float32)  # best single partner
        self.degree = np.zeros(len(members), dtype=np.int64)
        if person:
            xy = np.stack([prob.lat[members], prob.lon[members]], axis=1)
            pts = np.round(xy, 6)
            uniq, pid = np.unique(pts, axis=0, return_inverse=True)
            self.pid = pid.reshape(-1)
            self.uniq = uniq
            self.D: Float32Array | None = (
                haversine_matrix(uniq[:, 0], uniq[:, 1]).astype(np.float32)
                if len(uniq) <= 8000
                else None
            )
            self.rad = prob.radius[members].astype(np.float32)
            # people at the same place with the same radius reach the same others
            key = np.stack([self.pid.astype(np.float64), prob.radius[members]], axis=1)
            ucls, cls = np.unique(key, axis=0, return_inverse=True)
            self.cls = cls.reshape(-1)
            self.R: BoolArray | None = None
            if self.D is not None and len(ucls) <= 8000:
                cp = ucls[:, 0].astype(np.int64)
                cr = ucls[:, 1].astype(np.float32)
                self.R = self.D[np.ix_(cp, cp)] <= cr[:, None] + cr[None, :] + 1e-3
        g2l = {int(x): k for k, x in enumerate(members)}
        a_list, b_list = [], []
        for k, x in enumerate(members):
            for y in prob.conflicts[int(x)]:
                j = g2l.get(y)
                if j is not None:
                    a_list.append(k)
                    b_list.append(j)
        self.ca = np.array(a_list, dtype=np.int64)
        self.cb = np.array(b_list, dtype=np.int64)
        if not person:
            # people with identical topic vectors have identical rows: work per type
            vt, tid = np.unique(np.round(self.U, 5), axis=0, return_inverse=True)
            self.types = tid.reshape(-1)
            self.V = self.U[np.unique(self.types, return_index=True)[1]]
            del vt

    def virtual_pool(self, pool: IndexArray) -> None:
        """Virtual (slot, language) pool; blocks only lower the degree (a relaxation)."""
        need = self.need
        pos = np.full(len(self.members), -1, dtype=np.int64)
        pos[pool] = np.arange(len(pool))
        sel = (pos[self.ca] >= 0) & (pos[self.cb] >= 0)
        n_conf = np.bincount(pos[self.ca[sel]], minlength=len(pool))
        cnt = len(pool) - 1 - n_conf
        self.degree[pool] = np.maximum(self.degree[pool], cnt)
        if need <= 0:
            return
        tp = self.types[pool]
        ut, inv, counts = np.unique(tp, return_inverse=True, return_counts=True)
        reps = np.minimum(counts, need + 1)
        cols = np.repeat(ut, reps)
        first = np.concatenate([[0], np.cumsum(reps)[:-1]])
        Vc = self.V[cols]
        for r0 in range(0, len(ut), CHUNK):
            rr = slice(r0, min(len(ut), r0 + CHUNK))
            sim = self.V[ut[rr]] @ Vc.T
            k_idx = np.arange(sim.shape[0])
            sim[k_idx, first[rr]] = -2.0  # not one's own partner
            m = (inv >= r0) & (inv < rr.stop)
            idx = pool[m]
            top1 = sim.max(axis=1)
            self.best1[idx] = np.maximum(self.best1[idx], top1[inv[m] - r0])
            k = sim.shape[1]
            if k <= need:
                continue
            top = np.partition(sim, k - need, axis=1)[:, k - need :]
            val = top.mean(axis=1)
            self.best[idx] = np.maximum(self.best[idx], val[inv[m] - r0])

    def _dist_ok(self, rows: IndexArray, cols: IndexArray) -> BoolArray:
        if self.R is not None:
            return self.R[np.ix_(self.cls[rows], self.cls[cols])]
        if self.D is not None:
            dist = self.D[self.pid[rows][:, None], self.pid[cols][None, :]]
        else:
            pr, pc = self.pid[rows], self.pid[cols]
            allp = np.concatenate([pr, pc])
            dm = haversine_matrix(self.uniq[allp, 0], self.uniq[allp, 1])
            dist = dm[: len(rows), len(rows) :].astype(np.float32)
        ok: BoolArray = dist <= self.rad[rows][:, None] + self.rad[cols][None, :] + 1e-3
        return ok

    def pool(self, pool: IndexArray) -> None:
        """Update bounds and degrees with one (slot, language) pool."""
        need = self.need
        if len(pool) < 2:
            return
        pos = np.full(len(self.members), -1, dtype=np.int64)
        pos[pool] = np.arange(len(pool))
        sel = (pos[self.ca] >= 0) & (pos[self.cb] >= 0)
        ca, cb = pos[self.ca[sel]], pos[self.cb[sel]]
        Up = self.U[pool]
        for c0 in range(0, len(pool), CHUNK):
            rows = pool[c0 : c0 + CHUNK]
            nr = len(rows)
            sim = Up[c0 : c0 + nr] @ Up.T
            r_idx = np.arange(nr)
            if self.person:
                ok = self._dist_ok(rows, pool)
                ok[r_idx, c0 + r_idx] = False
                m = (ca >= c0) & (ca < c0 + nr)
                ok[ca[m] - c0, cb[m]] = False
                cnt = ok.sum(axis=1)
                sim[~ok] = -2.0
            else:
                sim[r_idx, c0 + r_idx] = -2.0
                m = (ca >= c0) & (ca < c0 + nr)
                sim[ca[m] - c0, cb[m]] = -2.0
                n_conf = np.bincount(ca[m] - c0, minlength=nr)
                cnt = len(pool) - 1 - n_conf
            self.degree[rows] = np.maximum(self.degree[rows], cnt)
            top1 = sim.max(axis=1)
            self.best1[rows] = np.maximum(self.best1[rows], top1)
            if need <= 0:
                continue
            live = cnt >= need
            if not live.any():
                continue
            live &= top1 > self.best[rows]
            idx = np.flatnonzero(live)
            if len(idx) == 0:
                continue
            sub = sim[idx]
            k = sub.shape[1]
            top = np.partition(sub, k - need, axis=1)[:, k - need :]
            val = top.mean(axis=1)
            r = rows[idx]
            self.best[r] = np.maximum(self.best[r], val)

    def run(self) -> None:
        """Visit every (slot, language) pool that is not contained in a neighbour's.

        A pool inside the pool of the previous or next start slot (same
        language) cannot raise anyone's figures, so it is skipped exactly.
        """
        starts = self.starts
        for col in range(self.L.shape[1]):
            M = starts & self.L[:, col][:, None]  # n x 336
            counts = M.sum(axis=0)
            prev_m = np.roll(M, 1, axis=1)
            next_m = np.roll(M, -1, axis=1)
            in_prev = ~(M & ~prev_m).any(axis=0)  # M_s subset of M_{s-1}
            in_next = ~(M & ~next_m).any(axis=0)
            same_next = in_next & (counts == np.roll(counts, -1))
            skip = in_prev | (in_next & ~same_next)
            if skip.all():
                skip[int(np.argmax(counts))] = False
            for s in range(WEEK_SLOTS):
                if skip[s] or counts[s] < 2:
                    continue
                pool = np.flatnonzero(M[:, s])
                if self.person:
                    self.pool(pool)
                else:
                    self.virtual_pool(pool)


def seeker_bounds(
    prob: Problem,
    person_buckets: Sequence[Bucket],
    virtual_bucket: Bucket,
    min_size: int,
    threads: int = 2,
) -> tuple[FloatArray, FloatArray, IntArray, BoolArray]:
    """Per seeker: (bound, best single partner, partners at best slot/language, placeable)."""
    n = len(prob.seekers)
    best = np.zeros(n, dtype=np.float64)
    best1 = np.zeros(n, dtype=np.float64)
    degree = np.zeros(n, dtype=np.int64)
    need = min_size - 1
    jobs = [(b, True) for b in person_buckets] + [(virtual_bucket, False)]
    jobs = [(b, person) for b, person in jobs if len(b.members) >= 2]
    # biggest first; buckets are independent, and numpy releases the GIL in the
    # heavy calls, so two threads use both cores
    jobs.sort(key=lambda t: -len(t[0].members))

    def one(job: tuple[Bucket, bool]) -> tuple[Bucket, _BucketBound]:
        b, person = job
        bb = _BucketBound(prob, b.members, person, need)
        bb.run()
        return b, bb

    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = list(pool.map(one, jobs))
    for b, bb in done:  # combined in a fixed order: deterministic
        best[b.members] = np.maximum(best[b.members], bb.best + 1e-6)
        best1[b.members] = np.maximum(best1[b.members], bb.best1 + 1e-6)
        degree[b.members] = np.maximum(degree[b.members], bb.degree)
    placeable = degree >= need
    best[~placeable] = 0.0
    return best, np.maximum(best1, 0.0), degree, placeable
