"""Placeability and the honest upper bound on quality.

For every seeker and every start slot, look at the people who are pairwise
feasible with them at that slot (same mode, reachable: distance <= r1 + r2
for in-person, a common language, no block or past partnership, both free
for the meeting from that slot). A seeker is *placeable* when some slot has
at least min_size - 1 such people (or an open circle could seat them). Their
bound is the best, over slots, of the mean of their min_size - 1 highest
compatibilities there (or their compatibility with an open circle they could
join, when higher). No member of any valid circle can score more, because a
member's quality is a mean over at least min_size - 1 such partners.
"""

from __future__ import annotations

import numpy as np

from .buckets import Problem
from .geo import haversine_matrix
from .types import WEEK_SLOTS

CHUNK = 2048


def _bucket_bound(prob: Problem, members: np.ndarray, person: bool, need: int,
                  best: np.ndarray, degree: np.ndarray) -> None:
    if len(members) < 2:
        return
    U = prob.U[members].astype(np.float32)
    Lm = prob.L[members].astype(np.float32)
    starts = prob.starts[members]
    pid = None
    if person:
        pts = np.round(np.stack([prob.lat[members], prob.lon[members]], axis=1), 6)
        uniq, pid = np.unique(pts, axis=0, return_inverse=True)
        pid = pid.reshape(-1)
        D = haversine_matrix(uniq[:, 0], uniq[:, 1]).astype(np.float32) if len(uniq) <= 6000 \
            else None
        rad = prob.radius[members].astype(np.float32)
    g2l = {int(x): k for k, x in enumerate(members)}
    conf_pairs = [(g2l[int(x)], g2l[y]) for x in members for y in prob.conflicts[int(x)]
                  if y in g2l]
    conf_of: dict[int, list[int]] = {}
    for a, b in conf_pairs:
        conf_of.setdefault(a, []).append(b)
    local_best = np.zeros(len(members), dtype=np.float32)
    local_deg = np.zeros(len(members), dtype=np.int64)
    prev = None
    for s in range(WEEK_SLOTS):
        pool = np.flatnonzero(starts[:, s])
        if len(pool) < 2:
            prev = None
            continue
        if prev is not None and len(prev) == len(pool) and np.array_equal(prev, pool):
            continue
        prev = pool
        pos = np.full(len(members), -1, dtype=np.int64)
        pos[pool] = np.arange(len(pool))
        for c0 in range(0, len(pool), CHUNK):
            rows = pool[c0:c0 + CHUNK]
            sim = U[rows] @ U[pool].T
            ok = (Lm[rows] @ Lm[pool].T) > 0
            if person:
                if D is not None:
                    dist = D[pid[rows][:, None], pid[pool][None, :]]
                else:
                    dist = haversine_matrix(
                        np.concatenate([prob.lat[members][rows], prob.lat[members][pool]]),
                        np.concatenate([prob.lon[members][rows], prob.lon[members][pool]]),
                    )[: len(rows), len(rows):].astype(np.float32)
                ok &= dist <= rad[rows][:, None] + rad[pool][None, :] + 1e-3
            r_idx = np.arange(len(rows))
            ok[r_idx, c0 + r_idx] = False
            for r, a in enumerate(rows):
                for b in conf_of.get(int(a), ()):
                    if pos[b] >= 0:
                        ok[r, pos[b]] = False
            cnt = ok.sum(axis=1)
            local_deg[rows] = np.maximum(local_deg[rows], cnt)
            sim = np.where(ok, sim, -1.0)
            if sim.shape[1] > need:
                top = np.partition(sim, sim.shape[1] - need, axis=1)[:, -need:]
            else:
                top = sim
            val = np.where(cnt >= need, top.mean(axis=1) if need else 0.0, 0.0)
            local_best[rows] = np.maximum(local_best[rows], val)
    best[members] = np.maximum(best[members], local_best)
    degree[members] = np.maximum(degree[members], local_deg)


def seeker_bounds(prob: Problem, person_buckets, virtual_bucket, min_size: int):
    """Per seeker: (bound, degree at best slot, placeable)."""
    n = len(prob.seekers)
    best = np.zeros(n, dtype=np.float32)
    degree = np.zeros(n, dtype=np.int64)
    need = min_size - 1
    for b in person_buckets:
        _bucket_bound(prob, b.members, True, need, best, degree)
    _bucket_bound(prob, virtual_bucket.members, False, need, best, degree)
    placeable = degree >= need
    return best.astype(np.float64), degree, placeable
