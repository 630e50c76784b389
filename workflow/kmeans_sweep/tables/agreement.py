"""Agreement between two labelings: the adjusted Rand index, computed from cluster-size sums."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from ..fit.scores import ari_from_sums


class _Coded:
    """A labeling recoded to 0..c-1 with its cluster-size sum of squares."""

    __slots__ = ("codes", "n_classes", "sum_sq")

    def __init__(self, labels: np.ndarray) -> None:
        labels = np.asarray(labels).ravel()
        _, codes = np.unique(labels, return_inverse=True)
        self.codes = codes.astype(np.int64, copy=False)
        self.n_classes = int(codes.max()) + 1 if codes.size else 0
        sizes = np.bincount(self.codes, minlength=self.n_classes)
        self.sum_sq = int(np.dot(sizes, sizes))


def _ari_coded(a: _Coded, b: _Coded) -> float:
    n = a.codes.size
    if n != b.codes.size:
        raise ValueError("labelings must have the same length")
    table = np.bincount(a.codes * b.n_classes + b.codes, minlength=a.n_classes * b.n_classes)
    return ari_from_sums(n, int(np.dot(table, table)), a.sum_sq, b.sum_sq)


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (equals sklearn's adjusted_rand_score)."""
    return _ari_coded(_Coded(a), _Coded(b))


def pairwise_ari(labelings: Sequence[np.ndarray]) -> np.ndarray:
    """ARI of every pair (i < j) of labelings, in ``itertools.combinations`` order
    (length m(m-1)/2)."""
    coded = [_Coded(lab) for lab in labelings]
    return np.array([_ari_coded(a, b) for a, b in combinations(coded, 2)], dtype=float)
