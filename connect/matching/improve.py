"""Repair and local search on the circles of one bucket.

* `place_leftovers`: seat unplaced people in circles with room, or build new
  circles around them, borrowing members from circles above the minimum size.
* `local_search`: among circles that meet at the same start slot, apply the
  best improving moves (one member to another circle) and swaps (two members
  trade circles) until none is left or the round budget is spent. All
  figures are exact: with unit topic vectors, a circle's quality is
  2 * (sum of pairwise compatibilities) / (size - 1).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TypeAlias

import numpy as np

from .buckets import DIST_EPS_KM
from .geo import haversine_many
from .grow import BucketData, Group, Grower, Point
from .types import BoolArray, FloatArray, IndexArray, IntArray, MatchParams

BySlot: TypeAlias = defaultdict[int, list[int]]  # start slot -> ids of the groups meeting then

EPS = 1e-9


def _fits(bd: BucketData, j: int, grp: Group, exclude: int = -1) -> bool:
    if not bd.starts[j, grp.slot] or not bd.L[j, grp.lang]:
        return False
    if grp.reach is not None and not grp.reach[j]:
        return False
    cj = bd.conf[j]
    if cj:
        for m in grp.members:
            if m != exclude and m in cj:
                return False
    return True


def _pair_sum(bd: BucketData, members: list[int]) -> float:
    S = bd.U[members].sum(axis=0)
    return 0.5 * (float(S @ S) - float(bd.un[members].sum()))


def _quality(pair_sum: float, k: int) -> float:
    return 2.0 * pair_sum / (k - 1) if k > 1 else 0.0


def place_leftovers(gr: Grower) -> None:
    """Put unplaced people into circles with room, else build circles around them."""
    bd, p = gr.bd, gr.p
    by_slot: BySlot = defaultdict(list)
    for gid, grp in enumerate(gr.groups):
        if grp.members:
            by_slot[grp.slot].append(gid)
    order = [int(i) for i in gr.seed_order() if not gr.assigned[int(i)]]
    for j in order:
        if gr.assigned[j]:
            continue
        best: tuple[float, int] | None = None
        for s in np.flatnonzero(bd.starts[j]):
            for gid in by_slot.get(int(s), ()):
                grp = gr.groups[gid]
                k = len(grp.members)
                if k >= p.max_size or not _fits(bd, j, grp):
                    continue
                ps = _pair_sum(bd, grp.members)
                gain = float(bd.U[grp.members].sum(axis=0) @ bd.U[j])
                delta = _quality(ps + gain, k + 1) - _quality(ps, k)
                if best is None or delta > best[0] + EPS:
                    best = (delta, gid)
        if best is not None:
            grp = gr.groups[best[1]]
            grp.members.append(j)
            gr.assigned[j] = True
            gr.group_of[j] = best[1]
            continue
        if _insert_repoint(gr, j, by_slot):
            continue
        if _build_around(gr, j, by_slot):
            continue
        _eject(gr, j, by_slot)


REPOINT_STEPS = (0.25, 0.5, 0.75, 1.0)


def _insert_repoint(gr: Grower, j: int, by_slot: BySlot) -> bool:
    """Seat j in an in-person circle by moving its meeting point towards j."""
    bd, p = gr.bd, gr.p
    if not bd.person:
        return False
    jl, jo = float(bd.lat[j]), float(bd.lon[j])
    best: tuple[float, int, Point] | None = None
    for s in np.flatnonzero(bd.starts[j]):
        for gid in by_slot.get(int(s), ()):
            grp = gr.groups[gid]
            if len(grp.members) >= p.max_size or not bd.L[j, grp.lang]:
                continue
            if bd.conf[j] and any(m in bd.conf[j] for m in grp.members):
                continue
            members = np.array(grp.members + [j])
            assert grp.point is not None, "in-person groups have a meeting point"
            plat, plon = grp.point
            for t in REPOINT_STEPS:
                q = (plat + t * (jl - plat), plon + t * (jo - plon))
                d = haversine_many(bd.lat[members], bd.lon[members], q[0], q[1])
                if np.all((d <= bd.radius[members] - DIST_EPS_KM) | (d == 0.0)):
                    S = bd.U[grp.members].sum(axis=0)
                    gain = float(S @ bd.U[j]) / len(grp.members)
                    if best is None or gain > best[0] + 1e-12:
                        best = (gain, gid, q)
                    break
    if best is None:
        return False
    _, gid, q = best
    grp = gr.groups[gid]
    grp.point = (float(q[0]), float(q[1]))
    grp.reach = bd.reach(grp.point)
    grp.members.append(j)
    gr.assigned[j] = True
    gr.group_of[j] = gid
    return True


def _new_home(gr: Grower, a: int, skip: int, by_slot: BySlot) -> int:
    """A circle (other than `skip`) with room that member a fits, or -1."""
    bd, p = gr.bd, gr.p
    for s in np.flatnonzero(bd.starts[a]):
        for gid in by_slot.get(int(s), ()):
            if gid == skip:
                continue
            grp = gr.groups[gid]
            if len(grp.members) < p.max_size and _fits(bd, a, grp):
                return gid
    return -1


def _eject(gr: Grower, j: int, by_slot: BySlot, max_checks: int = 400) -> bool:
    """Seat j in a circle by moving one of its members to another circle with room."""
    bd = gr.bd
    checks = 0
    for s in np.flatnonzero(bd.starts[j]):
        for gid in by_slot.get(int(s), ()):
            grp = gr.groups[gid]
            if not bd.L[j, grp.lang] or (grp.reach is not None and not grp.reach[j]):
                continue
            clash = [m for m in grp.members if m in bd.conf[j]]
            if len(clash) > 1:
                continue
            options = clash or sorted(grp.members, key=lambda m: float(bd.U[m] @ bd.U[j]))
            for a in options:
                checks += 1
                if checks > max_checks:
                    return False
                home = _new_home(gr, a, gid, by_slot)
                if home < 0:
                    continue
                grp.members.remove(a)
                gr.groups[home].members.append(a)
                gr.group_of[a] = home
                grp.members.append(j)
                gr.assigned[j] = True
                gr.group_of[j] = gid
                return True
    return False


def _build_around(gr: Grower, j: int, by_slot: BySlot) -> bool:
    """A new circle for j from unplaced people plus members borrowed from big circles."""
    bd, p = gr.bd, gr.p
    sizes = np.array([len(g.members) for g in gr.groups] + [0], dtype=np.int64)
    for s, point, lang in gr._options(j):
        pool = bd.pools[s]
        mask = bd.L[pool, lang]
        if point is not None:
            mask = mask & bd.reach(point)[pool]
        cand = pool[mask]
        cand = bd.drop_conflicts(j, cand[cand != j])
        if len(cand) < p.min_size - 1:
            continue
        gof = gr.group_of[cand]
        spare = np.where(gof >= 0, sizes[np.maximum(gof, 0)] - p.min_size, 1)
        cand = cand[spare > 0]
        if len(cand) < p.min_size - 1:
            continue
        gof = gr.group_of[cand]
        comp = bd.U[cand] @ bd.U[j]
        # unplaced people first, then the most compatible
        prio = np.where(gof < 0, 10.0, 0.0) + comp
        order = np.argsort(-prio, kind="stable")
        picked: list[int] = [j]
        taken: dict[int, int] = defaultdict(int)
        for k in order:
            c = int(cand[k])
            g = int(gof[k])
            if g >= 0 and sizes[g] - taken[g] <= p.min_size:
                continue
            if any(c in bd.conf[m] for m in picked):
                continue
            picked.append(c)
            if g >= 0:
                taken[g] += 1
            if len(picked) >= p.min_size:
                break
        if len(picked) < p.min_size:
            continue
        for c in picked[1:]:
            g = int(gr.group_of[c])
            if g >= 0:
                gr.groups[g].members.remove(c)
        gid = len(gr.groups)
        gr.add_group(picked, s, point, lang)
        by_slot[s].append(gid)
        return True
    return False


def local_search(gr: Grower, rounds: int) -> int:
    """Improve quality with moves and swaps among circles sharing a start slot."""
    by_slot: BySlot = defaultdict(list)
    for gid, grp in enumerate(gr.groups):
        if grp.members:
            by_slot[grp.slot].append(gid)
    applied = 0
    min_split = 2 * gr.p.min_size
    for s in sorted(by_slot):
        gids = by_slot[s]
        if len(gids) >= 2 or len(gr.groups[gids[0]].members) >= min_split:
            applied += _cohort_search(gr, gids, rounds)
    return applied


def _quality_sub(C: FloatArray, un: FloatArray, idx: IndexArray | IntArray) -> float:
    k = len(idx)
    if k < 2:
        return 0.0
    sub = C[np.ix_(idx, idx)]
    return float(sub.sum() - un[idx].sum()) / (k - 1)


def _pull(
    p: MatchParams,
    C: FloatArray,
    un: FloatArray,
    conf: BoolArray,
    feas: BoolArray,
    g: IntArray,
    size: FloatArray,
    own: FloatArray,
    seeds: int = 8,
) -> tuple[int, IntArray] | None:
    """A new circle made of members that circles above min_size can spare.

    Returns (group the seed came from, member positions) when it raises the
    total quality, else None. Nobody is unplaced by it.
    """
    spare = size - p.min_size
    if spare.sum() < p.min_size:
        return None
    k_n = len(size)
    cur_q = np.array([_quality_sub(C, un, np.flatnonzero(g == h)) for h in range(k_n)])
    # seeds: members who fit their own circle worst, from circles that can spare someone
    fit = own / np.maximum(size[g] - 1, 1)
    order = [a for a in np.argsort(fit, kind="stable") if spare[g[a]] > 0][:seeds]
    best: tuple[float, int, IntArray] | None = None
    for a in order:
        a = int(a)
        h0 = int(g[a])
        taken = np.zeros(k_n, dtype=np.int64)
        taken[h0] = 1
        picked = [a]
        ok = feas[:, h0] & ~conf[a]
        ok[a] = False
        total = C[a].copy()
        while len(picked) < p.min_size:
            elig = ok & (spare[g] - taken[g] > 0)
            if not elig.any():
                break
            b = int(np.argmax(np.where(elig, total, -np.inf)))
            picked.append(b)
            taken[g[b]] += 1
            ok &= ~conf[b]
            ok[b] = False
            total += C[b]
        if len(picked) < p.min_size:
            continue
        pk = np.array(picked)
        delta = _quality_sub(C, un, pk)
        for h in np.flatnonzero(taken):
            rest = np.flatnonzero((g == h) & ~np.isin(np.arange(len(g)), pk))
            delta += _quality_sub(C, un, rest) - cur_q[h]
        if delta > 1e-9 and (best is None or delta > best[0]):
            best = (delta, h0, pk)
    if best is None:
        return None
    return best[1], best[2]


def _cohort_search(gr: Grower, gids: list[int], rounds: int) -> int:
    bd, p = gr.bd, gr.p
    groups = [gr.groups[g] for g in gids]
    k = len(groups)
    mem = np.array([m for g in groups for m in g.members], dtype=np.int64)
    m = len(mem)
    U = bd.U[mem]
    un = bd.un[mem]
    C = U @ U.T
    pos = {int(x): a for a, x in enumerate(mem)}
    conf = np.zeros((m, m), dtype=bool)
    for a, x in enumerate(mem):
        for y in bd.conf[int(x)]:
            b = pos.get(y)
            if b is not None:
                conf[a, b] = True
    # static feasibility of member a in group h: language and meeting point
    feas = np.zeros((m, k), dtype=bool)
    for h, grp in enumerate(groups):
        f = bd.L[mem, grp.lang].copy()
        if grp.reach is not None:
            f &= grp.reach[mem]
        feas[:, h] = f
    g = np.array([h for h, grp in enumerate(groups) for _ in grp.members], dtype=np.int64)
    applied = 0
    for _ in range(rounds):
        onehot = np.zeros((m, k))
        onehot[np.arange(m), g] = 1.0
        size = onehot.sum(axis=0)
        M = C @ onehot  # M[a, h] = sum of compat of a with members of h (incl. itself)
        T = un @ onehot
        P = 0.5 * ((onehot * M).sum(axis=0) - T)
        ncf = conf.astype(np.float64) @ onehot  # conflicts of a inside h
        own = M[np.arange(m), g] - un  # a's compat with its own circle-mates
        Qcur = np.where(size > 1, 2 * P / np.maximum(size - 1, 1), 0.0)
        moves: list[tuple[float, int, int, int]] = []  # (delta, a, b or -1, h)
        # single moves a -> h
        okm = feas & (ncf == 0) & (size[None, :] < p.max_size)
        okm &= (size[g] > p.min_size)[:, None]
        okm[np.arange(m), g] = False
        if okm.any():
            PA = P[g] - own
            QA = np.where(size[g] > 2, 2 * PA / np.maximum(size[g] - 2, 1), 0.0)
            QB = 2 * (P[None, :] + M) / size[None, :]
            dm = (QA - Qcur[g])[:, None] + QB - Qcur[None, :]
            dm = np.where(okm, dm, -np.inf)
            a_idx, h_idx = np.nonzero(dm > EPS)
            for a, h in zip(a_idx.tolist(), h_idx.tolist(), strict=True):
                moves.append((float(dm[a, h]), a, -1, h))
        # swaps a <-> b
        X = M[:, g].T  # X[a, b] = compat of a with b's circle (incl. b)
        dA = -own[:, None] + X - C  # change of pair sum of a's circle when a leaves, b joins
        inv = 2.0 / np.maximum(size - 1, 1)
        delta = dA * inv[g][:, None]
        delta = delta + delta.T
        okA = feas[:, g].T  # b fits a's circle? [a, b] -> feas[b, g[a]]
        cfA = ncf[:, g].T - conf  # conflicts of b in a's circle without a
        ok = okA & okA.T & (cfA == 0) & (cfA.T == 0) & (g[:, None] != g[None, :])
        ok = np.triu(ok, 1)
        a_idx, b_idx = np.nonzero(ok & (delta > EPS))
        for a, b in zip(a_idx.tolist(), b_idx.tolist(), strict=True):
            moves.append((float(delta[a, b]), a, b, -1))
        if not moves:
            pulled = _pull(p, C, un, conf, feas, g, size, own)
            if pulled is None:
                break
            seed_group, picked = pulled
            src = groups[seed_group]
            new = Group(members=[], slot=src.slot, lang=src.lang, point=src.point, reach=src.reach)
            gr.groups.append(new)
            gids.append(len(gr.groups) - 1)
            groups.append(new)
            feas = np.concatenate([feas, feas[:, seed_group : seed_group + 1]], axis=1)
            g[picked] = k
            k += 1
            applied += 1
            continue
        moves.sort(key=lambda t: (-t[0], t[1], t[2], t[3]))
        touched: set[int] = set()
        for _d, a, b, h in moves:
            ga = int(g[a])
            gb = int(g[b]) if b >= 0 else h
            if ga in touched or gb in touched:
                continue
            touched.add(ga)
            touched.add(gb)
            if b >= 0:
                g[a], g[b] = gb, ga
            else:
                g[a] = h
            applied += 1
    for h, grp in enumerate(groups):
        grp.members = [int(x) for x in mem[g == h]]
    for a, x in enumerate(mem):
        gr.group_of[int(x)] = gids[int(g[a])]
    return applied
