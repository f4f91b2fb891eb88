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

import numpy as np

from .grow import Group, Grower

EPS = 1e-9


def _fits(bd, j: int, grp: Group, exclude: int = -1) -> bool:
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


def _pair_sum(bd, members: list[int]) -> float:
    S = bd.U[members].sum(axis=0)
    return 0.5 * (float(S @ S) - float(bd.un[members].sum()))


def _quality(pair_sum: float, k: int) -> float:
    return 2.0 * pair_sum / (k - 1) if k > 1 else 0.0


def place_leftovers(gr: Grower) -> None:
    """Put unplaced people into circles with room, else build circles around them."""
    bd, p = gr.bd, gr.p
    by_slot: dict[int, list[int]] = defaultdict(list)
    for gid, grp in enumerate(gr.groups):
        if grp.members:
            by_slot[grp.slot].append(gid)
    order = [int(i) for i in gr.seed_order() if not gr.assigned[int(i)]]
    for j in order:
        if gr.assigned[j]:
            continue
        best = None
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
        _build_around(gr, j, by_slot)


def _build_around(gr: Grower, j: int, by_slot) -> None:
    """A new circle for j from unplaced people plus members borrowed from big circles."""
    bd, p = gr.bd, gr.p
    sizes = np.array([len(g.members) for g in gr.groups] + [0], dtype=np.int64)
    for s, point, lang in gr._options(j):
        pool = bd.pools[s]
        mask = bd.L[pool, lang]
        if point is not None:
            mask = mask & bd.reach(point)[pool]
        cand = pool[mask]
        cand = cand[cand != j]
        if bd.conf[j]:
            cand = cand[~np.isin(cand, list(bd.conf[j]))]
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
        return


def local_search(gr: Grower, rounds: int) -> int:
    """Improve quality with moves and swaps among circles sharing a start slot."""
    by_slot: dict[int, list[int]] = defaultdict(list)
    for gid, grp in enumerate(gr.groups):
        if grp.members:
            by_slot[grp.slot].append(gid)
    applied = 0
    for s in sorted(by_slot):
        gids = by_slot[s]
        if len(gids) >= 2:
            applied += _cohort_search(gr, gids, rounds)
    return applied


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
            break
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
