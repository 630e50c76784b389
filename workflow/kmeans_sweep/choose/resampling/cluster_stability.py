"""Per cluster and per row of one labelling (the best fit at k): cluster consensus, clusterboot
stability with Hennig's bands, and item consensus (numpy only).

- cluster consensus (CCP's calcICL): mean M over the pairs inside the cluster: every such
  pair while there are at most ``pairs`` of them (exactly CCP's value), else the item sample
  below (uniform rows, uniform partners: a uniform sample of the cluster's ordered pairs);
- clusterboot stability (Hennig 2007, fpc's subsetting scheme): per subsample, the best Jaccard
  |C* & D| / |C* | D| over the subsample's clusters D, C* the cluster restricted to the drawn
  rows; its mean over subsamples (those that draw C at all);
- item consensus (calcICL): a row's mean M with the other rows of its own cluster; every row
  with every partner while the clusters hold at most ``pairs`` pairs, else a fixed sample of
  rows, each with a fixed sample of partners (``item_pairs``), said in the columns
  ``partners`` and ``every_partner``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...definitions import STABILITY_BANDS
from .consensus import decode_pairs, n_pairs

ITEM_TAG = 0x4943  # "IC": the stream of the item sample
#: Hennig's guidelines for a mean Jaccard (fpc's clusterboot help): lower bound and words.
BANDS = STABILITY_BANDS  # one definition: the table's band column and the picture's bands


def band(jaccard: float) -> str:
    if not np.isfinite(jaccard):
        return ""
    return next(words for lower, words in BANDS if jaccard >= lower)


def cluster_consensus(M, i, j, best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cluster c of ``best``: (mean M over pairs of the set inside c, number of them)."""
    k = int(best.max()) + 1
    bi, bj = best[i], best[j]
    inside = bi == bj
    count = np.bincount(bi[inside], minlength=k)
    total = np.bincount(bi[inside], weights=M[inside], minlength=k)
    with np.errstate(invalid="ignore"):
        return total / count, count


def best_jaccard(best_drawn: np.ndarray, labels: np.ndarray, k_best: int) -> np.ndarray:
    """For every cluster c of the best labelling: max over the clusters D of ``labels`` of
    |C* & D| / |C* | D|, C* = c's drawn rows; NaN where c has no drawn row."""
    width = int(labels.max()) + 1
    inter = np.bincount(best_drawn.astype(np.int64) * width + labels, minlength=k_best * width)
    inter = inter.reshape(k_best, width)
    size_c = inter.sum(axis=1, keepdims=True)
    size_d = inter.sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = inter / (size_c + size_d - inter)
    out = jac.max(axis=1)
    out[size_c[:, 0] == 0] = np.nan
    return out


@dataclass
class ClusterBoot:
    """clusterboot's mean Jaccard per cluster of ``best``, one subsample at a time."""

    best: np.ndarray
    k: int = 0
    total: np.ndarray | None = None
    count: np.ndarray | None = None

    def __post_init__(self):
        self.k = int(self.best.max()) + 1
        self.total = np.zeros(self.k)
        self.count = np.zeros(self.k, dtype=np.int64)

    def add(self, rows: np.ndarray, labels: np.ndarray) -> None:
        gamma = best_jaccard(self.best[rows], np.asarray(labels, dtype=np.int64), self.k)
        seen = np.isfinite(gamma)
        self.total[seen] += gamma[seen]
        self.count[seen] += 1

    def means(self) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return self.total / self.count


def item_consensus_all(M, i, j, best: np.ndarray) -> np.ndarray:
    """Every row's mean M with the other rows of its cluster, from the set of every pair
    (CCP's item consensus to its own cluster; NaN for a singleton)."""
    n = len(best)
    inside = best[i] == best[j]
    w = M[inside]
    total = np.bincount(i[inside], weights=w, minlength=n)
    total += np.bincount(j[inside], weights=w, minlength=n)
    partners = np.bincount(best, minlength=int(best.max()) + 1)[best] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / partners


def within_pairs(best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair i < j inside one cluster of ``best``."""
    a, b = [], []
    for c in range(int(best.max()) + 1):
        members = np.flatnonzero(best == c)
        x, y = decode_pairs(np.arange(n_pairs(len(members))), len(members))
        a.append(members[x])
        b.append(members[y])
    return _cat(a), _cat(b)


def n_within_pairs(best: np.ndarray) -> int:
    return sum(n_pairs(int(size)) for size in np.bincount(best))


def item_pairs(best: np.ndarray, rows: int, partners: int, seed: int):
    """A fixed sample of ``rows`` rows (uniform, without replacement) and, for each, up to
    ``partners`` partners from its own cluster (uniform, with replacement; every other member
    when the cluster has at most ``partners`` others). Returns (row, partner, owner) arrays:
    pair t belongs to sampled row owner[t]; and the sampled rows."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), ITEM_TAG]))
    n = len(best)
    chosen = np.sort(rng.choice(n, size=min(rows, n), replace=False))
    order = np.argsort(best, kind="stable")
    sizes = np.bincount(best)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n) - first[best[order]]
    a, b, owner = [], [], []
    for t, r in enumerate(chosen):
        c, others = best[r], sizes[best[r]] - 1
        if others <= partners:
            pick = np.arange(others)
        else:
            pick = rng.integers(0, others, size=partners)
        pick = pick + (pick >= position[r])  # skip the row itself
        a.append(np.full(len(pick), r))
        b.append(order[first[c] + pick])
        owner.append(np.full(len(pick), t))
    return _cat(a), _cat(b), _cat(owner), chosen


def _cat(parts) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def item_consensus_sampled(M, owner, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Per sampled row: (mean M over its partner pairs, number of partners)."""
    count = np.bincount(owner, minlength=n_rows)
    total = np.bincount(owner, weights=M, minlength=n_rows)
    with np.errstate(invalid="ignore"):
        return total / count, count


def item_consensus_of_matrix(M: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each row's mean consensus with the other rows of its cluster, in a (sampled) consensus
    matrix ``M`` with those rows' labels."""
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    with np.errstate(invalid="ignore"):
        return (M * same).sum(axis=1) / same.sum(axis=1)
