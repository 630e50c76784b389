"""Consensus clustering statistics over a fixed set of point pairs (numpy only).

ConsensusClusterPlus's consensus M(i, j) = (subsamples with i and j in one cluster) / (subsamples
drawing both), 0 where never drawn together. Nothing n x n is held: M is kept only for a fixed
set of pairs (every pair i < j up to ``max_pairs``, else a uniform sample of distinct pairs, the
same for every k and reference), accumulated one subsample at a time in O(P + n) memory.
From M: its CDF on :data:`GRID`, PAC over (x1, x2], the exact area under the CDF (1 - mean M),
ConsensusClusterPlus's 100-bin area and Delta(k); against null references: RCSI with its
standard error, the empirical p and the beta-fit p (M3C).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

GRID = np.arange(101) / 100  # the CDF's points x = 0, 0.01, ..., 1 (each exactly b / 100)
PAC_FLOOR = 1e-4  # M3C: a PAC of 0 counts as 1e-4 before logs
PAIR_TAG = 0x5041  # "PA": the stream of the pair sample


# --- the pairs ------------------------------------------------------------------------------


def n_pairs(n: int) -> int:
    return n * (n - 1) // 2


def decode_pairs(index: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, at the given positions of the row-major list of every pair."""
    index = np.asarray(index, dtype=np.int64)
    two_n = 2 * n - 1
    i = np.floor((two_n - np.sqrt(two_n * two_n - 8.0 * index)) / 2).astype(np.int64)
    i = np.where(i * (two_n - i) // 2 > index, i - 1, i)  # float rounding, either way
    i = np.where((i + 1) * (two_n - i - 1) // 2 <= index, i + 1, i)
    start = i * (two_n - i) // 2  # position of (i, i + 1)
    j = index - start + i + 1
    return i, j


def pair_sample(n: int, max_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair i < j when there are at most ``max_pairs``, else ``max_pairs`` distinct pairs
    drawn uniformly from (seed, PAIR_TAG); sorted by (i, j). Memory O(max_pairs)."""
    total = n_pairs(n)
    if total <= max_pairs:
        return _compact(*decode_pairs(np.arange(total), n), n)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), PAIR_TAG]))
    chosen = np.empty(0, dtype=np.int64)
    while len(chosen) < max_pairs:  # distinct values of iid draws: a uniform subset
        more = rng.integers(0, total, size=int(1.05 * (max_pairs - len(chosen))) + 16)
        chosen = _distinct(np.concatenate([chosen, more]))
    keep = np.sort(rng.choice(len(chosen), size=max_pairs, replace=False))
    return _compact(*decode_pairs(chosen[keep], n), n)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique, hash-based in numpy 2.4, takes 40 s on 2e6 int64)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]]


def _compact(i, j, n):
    dtype = np.int32 if n < 2**31 else np.int64
    return i.astype(dtype), j.astype(dtype)


# --- streaming consensus --------------------------------------------------------------------


def co_drawn(i, j, n: int, row_sets) -> np.ndarray:
    """Per pair, how many of the subsamples ``row_sets`` (drawn rows each) hold both rows:
    the same for every k and every reference, so counted once."""
    i, j = np.asarray(i, dtype=np.intp), np.asarray(j, dtype=np.intp)
    drawn = np.zeros(len(i), dtype=np.uint32)
    on = np.zeros(n, dtype=bool)
    for rows in row_sets:
        on[:] = False
        on[rows] = True
        drawn += np.take(on, i) & np.take(on, j)
    return drawn


def pair_runs(i: np.ndarray, n: int) -> np.ndarray | None:
    """How many pairs each row leads, when ``i`` is sorted (as every pair list here is):
    then ``np.repeat(values, runs)`` is ``np.take(values, i)`` without reading the indices
    (14 x faster on 500,000 pairs); None when it is not sorted."""
    if len(i) and np.any(i[1:] < i[:-1]):
        return None
    return np.bincount(i, minlength=n)


@dataclass
class PairConsensus:
    """Consensus over the pairs (i, j), one subsample at a time: :meth:`add` the drawn rows and
    their labels; :meth:`values` gives M. Memory: two counts per pair and two rows of n labels.
    Given ``drawn`` (:func:`co_drawn` of the same subsamples), only the together counts are
    kept, which halves the work."""

    i: np.ndarray
    j: np.ndarray
    n: int
    drawn: np.ndarray | None = None
    runs: np.ndarray | None = None  # pair_runs(i, n), if known (the same for every k)
    together: np.ndarray = field(init=False, repr=False)
    _count: bool = field(init=False, repr=False)

    def __post_init__(self):
        self.i = np.asarray(self.i, dtype=np.intp)  # np.take converts any other index type
        self.j = np.asarray(self.j, dtype=np.intp)  # on every call
        self.together = np.zeros(len(self.i), dtype=np.uint32)
        if self.runs is None:
            self.runs = pair_runs(self.i, self.n)
        self._count = self.drawn is None
        if self._count:
            self.drawn = np.zeros(len(self.i), dtype=np.uint32)

    def add(self, rows: np.ndarray, labels: np.ndarray) -> None:
        dtype = np.result_type(labels.dtype, np.int8)  # signed, to hold -1 and -2
        left = np.full(self.n, -1, dtype=dtype)  # rows not drawn: -1 on the left ...
        right = np.full(self.n, -2, dtype=dtype)  # ... and -2 on the right never match
        left[rows] = labels
        right[rows] = labels
        li = np.take(left, self.i) if self.runs is None else np.repeat(left, self.runs)
        lj = np.take(right, self.j)
        self.together += li == lj
        if self._count:
            self.drawn += (li >= 0) & (lj >= 0)

    def values(self) -> np.ndarray:
        """M for every pair, 0 where the pair was never drawn together (as CCP)."""
        return np.divide(self.together, self.drawn, out=np.zeros(len(self.i)),
                         where=self.drawn > 0)


def consensus(i, j, n, draws, drawn=None) -> np.ndarray:
    """M over the pairs from an iterable of (rows, labels), one per subsample."""
    acc = PairConsensus(i, j, n, drawn)
    for rows, labels in draws:
        acc.add(rows, labels)
    return acc.values()


# --- the CDF, PAC and areas -------------------------------------------------------------------


def cdf(M: np.ndarray) -> np.ndarray:
    """F(x) = share of pairs with M <= x at every point of GRID."""
    return np.searchsorted(np.sort(M), GRID, side="right") / len(M)


def pac(M: np.ndarray, window=(0.1, 0.9)) -> float:
    """Share of pairs with x1 < M <= x2 (PAC, Senbabaoglu et al. 2014)."""
    lo, hi = window
    return float(np.mean((lo < M) & (hi >= M)))


def pac_se(value: float, pairs: int, every_pair: bool) -> float:
    """Standard error of a PAC from ``pairs`` sampled pairs; 0 when every pair is used."""
    return 0.0 if every_pair else math.sqrt(value * (1 - value) / pairs)


def ccp_area(F: np.ndarray) -> float:
    """ConsensusClusterPlus's area: sum over the 100 bins of F(right edge) * 0.01."""
    return float(F[1:].sum() * 0.01)


def summary(M: np.ndarray, window=(0.1, 0.9), every_pair: bool = True) -> dict:
    """PAC, its SE, the exact area (1 - mean M), CCP's area and the CDF of one consensus."""
    F = cdf(M)
    value = pac(M, window)
    return {
        "pac": value,
        "pac_se": pac_se(value, len(M), every_pair),
        "area": float(1.0 - M.mean()),
        "area_ccp": ccp_area(F),
        "cdf": F,
    }


def ccp_delta(ks, areas) -> np.ndarray:
    """CCP's Delta(k): the first k's area, then (A(k) - A(k')) / A(k'), k' the previous k."""
    order = np.argsort(ks)
    a = np.asarray(areas, dtype=float)[order]
    delta = np.empty_like(a)
    delta[0] = a[0]
    delta[1:] = (a[1:] - a[:-1]) / a[:-1]
    out = np.empty_like(delta)
    out[order] = delta
    return out


# --- against the null -----------------------------------------------------------------------


def beta_p(value: float, refs: np.ndarray) -> float:
    """M3C's beta-fit p: pbeta(value, a, b), a and b by the method of moments from the refs'
    mean and variance (n - 1); NaN when the refs do not vary or the fit is impossible."""
    from scipy.special import betainc

    refs = np.asarray(refs, dtype=float)
    if len(refs) < 2:
        return float("nan")
    mu, var = refs.mean(), refs.var(ddof=1)
    if var <= 0 or not 0 < mu < 1:
        return float("nan")
    a = ((1 - mu) / var - 1 / mu) * mu * mu
    b = a * (1 / mu - 1)
    if a <= 0 or b <= 0:
        return float("nan")
    return float(betainc(a, b, min(max(value, 0.0), 1.0)))


def rcsi_p(rcsi: float, se: float, B: int) -> float:
    """One-sided p that the data's ln PAC is as far below the references' as it is, were it
    one more draw from their distribution (normal on the log scale): the t prediction test,
    t = RCSI / (sd_b sqrt(1 + 1/B)) = RCSI / (SE sqrt(B + 1)) with B - 1 degrees of freedom.
    Unlike the empirical p it can go below 1 / (B + 1); unlike RCSI's own SE it counts the
    spread of one draw, not of the references' mean."""
    from scipy.special import stdtr

    if B < 2 or not np.isfinite(rcsi) or not np.isfinite(se):
        return float("nan")
    if se == 0:
        return 0.0 if rcsi > 0 else 1.0
    return float(stdtr(B - 1, -rcsi / (se * math.sqrt(B + 1))))


def against_null(value: float, refs) -> dict:
    """RCSI = mean_b(ln PAC_ref,b - ln PAC) (PAC 0 floored at 1e-4), its SE (sd_b / sqrt(B)),
    the empirical p (#{b: ref_b <= PAC} + 1) / (B + 1), the beta-fit p (M3C) and
    :func:`rcsi_p`."""
    refs = np.asarray(refs, dtype=float)
    B = len(refs)
    if B == 0:
        nan = float("nan")
        return {"rcsi": nan, "rcsi_se": nan, "p_empirical": nan, "p_beta": nan, "p_rcsi": nan}
    logs = np.log(np.maximum(refs, PAC_FLOOR)) - math.log(max(value, PAC_FLOOR))
    rcsi = float(logs.mean())
    se = float(logs.std(ddof=1) / math.sqrt(B)) if B > 1 else float("nan")
    return {
        "rcsi": rcsi,
        "rcsi_se": se,
        "p_empirical": (int(np.sum(refs <= value)) + 1) / (B + 1),
        "p_beta": beta_p(value, refs),
        "p_rcsi": rcsi_p(rcsi, se, B),
    }
