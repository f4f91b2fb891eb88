"""Topic vectors and pairwise compatibility (cosine similarity)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .types import FloatArray


def topic_vocabulary(topic_maps: Sequence[Mapping[str, float]]) -> dict[str, int]:
    slugs = sorted({slug for topics in topic_maps for slug in topics})
    return {slug: k for k, slug in enumerate(slugs)}


def unit_vectors(topic_maps: Sequence[Mapping[str, float]], vocab: dict[str, int]) -> FloatArray:
    """Rows are L2-normalised topic-weight vectors (all-zero rows stay zero)."""
    mat = np.zeros((len(topic_maps), max(1, len(vocab))), dtype=np.float64)
    norms = np.zeros(len(topic_maps), dtype=np.float64)
    for row, topics in enumerate(topic_maps):
        for slug, weight in topics.items():
            norms[row] += float(weight) ** 2
            col = vocab.get(slug)
            if col is not None:
                mat[row, col] = float(weight)
    # slugs outside the vocabulary still count in the norm (they match no one)
    norms = np.sqrt(norms)
    nz = norms > 0
    mat[nz] /= norms[nz, None]
    return mat


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two topic maps (0 when either is empty)."""
    dot = sum(float(w) * float(b.get(k, 0.0)) for k, w in a.items())
    na: float = sum(float(w) ** 2 for w in a.values()) ** 0.5
    nb: float = sum(float(w) ** 2 for w in b.values()) ** 0.5
    if na == 0 or nb == 0:
        return 0.0
    return dot / (na * nb)


def circle_quality(pair_sum: float, size: int) -> float:
    """Sum over members of their mean compatibility with the others.

    For a circle of `size` members whose pairwise compatibilities add up to
    `pair_sum`, every pair counts once for each of its two members, so the
    total is 2 * pair_sum / (size - 1).
    """
    if size < 2:
        return 0.0
    return 2.0 * pair_sum / (size - 1)
