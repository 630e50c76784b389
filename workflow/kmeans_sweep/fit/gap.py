"""The gap statistic (Tibshirani, Walther & Hastie 2001) as independent work items.

Gap(k) needs log W_k of the data and of ``n_refs`` uniform reference datasets: one KMeans fit
per (k, b), b = ``DATA`` for the data itself and 0..n_refs-1 for the references. Those fits are
planned into the fit jobs beside the sweep's own fits (plan.py), so they fill the same cores
instead of waiting for a job of their own; aggregate_fits assembles the table
(:func:`gap_table`). :func:`gap_statistic` does it all in one call, with identical results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..definitions import DATA

GAP_COLUMNS = ["k", "log_w", "ref_log_w_mean", "gap", "sk"]
SAMPLE_SALT = 0x5A  # the subsample's seed: SeedSequence([random_state, SAMPLE_SALT])


def gap_items(ks: Iterable[int], n_refs: int, n_points: int) -> list[tuple[int, int]]:
    """Every (k, b) fit of the gap statistic, sorted; ks outside 1..n_points have none (their
    rows are NaN). ``n_points``: the points the gap works on (see :func:`gap_points`)."""
    valid = sorted({int(k) for k in ks if 1 <= int(k) <= n_points})
    return [(k, b) for k in valid for b in (DATA, *range(n_refs))]


def in_draw_order(items) -> list[tuple[int, int]]:
    """(k, b) items with each reference set's fits together, so each set is drawn once."""
    return sorted(((int(k), int(b)) for k, b in items), key=lambda i: (i[1], i[0]))


def gap_points(n: int, sample_size: int | None) -> int:
    return n if sample_size is None else min(n, int(sample_size))


@dataclass
class GapData:
    """What every gap fit of one process shares: the (subsampled) data, the bounding box of
    its principal-component scores (r = min(n, p) of them), and the last reference set drawn."""

    X: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    random_state: int
    _ref: tuple[int, np.ndarray] | None = field(default=None, repr=False)

    def points(self, b: int) -> np.ndarray:
        """The data (b = DATA) or reference set b: n points uniform over the box of the
        principal-component scores, drawn from SeedSequence([random_state, b]).

        This is the paper's method (b) in the coordinates of the data's principal subspace:
        the paper maps the draws back with V^T (n x p), an isometry onto that subspace, so
        every distance, every KMeans step and W_k are the same as on these n x r points,
        which cost r/p of the work (tested)."""
        if b == DATA:
            return self.X
        if self._ref is None or self._ref[0] != b:
            rng = np.random.default_rng(np.random.SeedSequence([self.random_state, b]))
            self._ref = (b, rng.uniform(self.lo, self.hi, size=(len(self.X), len(self.lo))))
        return self._ref[1]


def gap_data(X: np.ndarray, sample_size: int | None = None, random_state: int = 0) -> GapData:
    """Subsample X (a fixed random sample above ``sample_size`` rows; X may be memory-mapped,
    so before any copy) and find the box the references are drawn in."""
    if np.ndim(X) != 2:
        raise ValueError("X must be 2-D")
    n = X.shape[0]
    if sample_size is not None and n > sample_size:
        rng = np.random.default_rng(np.random.SeedSequence([random_state, SAMPLE_SALT]))
        X = X[np.sort(rng.choice(n, size=int(sample_size), replace=False))]
    X = np.asarray(X, dtype=np.float64)
    scores = pc_scores(X)
    return GapData(X, scores.min(axis=0), scores.max(axis=0), random_state)


def pc_scores(X: np.ndarray) -> np.ndarray:
    """The n x min(n, p) principal-component scores U S of the centred X, by a thin SVD.

    p <= n: ``svd(Xc)`` and Xc V. p > n: from the n x n Gram matrix of the centred rows, built
    from X X^T without a centred copy (U and S^2 are its eigenvectors and eigenvalues, each
    column signed so its largest entry is positive). Nothing holds a p x p matrix."""
    n, p = X.shape
    if p <= n:
        Xc = X - X.mean(axis=0)
        _, _, vt = np.linalg.svd(Xc, full_matrices=False)
        return Xc @ vt.T
    G = X @ X.T
    row = G.mean(axis=1)
    G -= row[:, None]
    G -= row[None, :]
    G += row.mean()
    values, vectors = np.linalg.eigh(G)
    values, vectors = values[::-1], vectors[:, ::-1]
    biggest = np.argmax(np.abs(vectors), axis=0)
    vectors *= np.sign(vectors[biggest, np.arange(n)])
    return vectors * np.sqrt(values.clip(min=0))


def log_w(data: GapData, k: int, b: int, *, n_init: int = 1, max_iter: int = 300) -> float:
    """log W_k of one gap item: KMeans(k-means++) inertia with ``random_state``, on the data or
    reference b; NaN if the inertia is 0. Run single-threaded for reproducible sums."""
    from sklearn.cluster import KMeans

    from .lean_kmeans import fit

    km = fit(
        KMeans(
            n_clusters=k,
            init="k-means++",
            n_init=n_init,
            max_iter=max_iter,
            random_state=data.random_state,
        ),
        data.points(b),
    )
    w = float(km.inertia_)
    return float(np.log(w)) if w > 0 else float("nan")


def gap_table(values: dict[tuple[int, int], float], ks: Iterable[int], n_refs: int) -> pd.DataFrame:
    """The table ``k, log_w, ref_log_w_mean, gap, sk`` from every item's log W (missing
    items, e.g. k > n, give NaN). ``sk = sd_k * sqrt(1 + 1/B)``, sd_k the population sd of
    the B = ``n_refs`` reference log W."""
    rows = []
    for k in sorted({int(k) for k in ks}):
        real = values.get((k, DATA), float("nan"))
        ref = np.array([values.get((k, b), float("nan")) for b in range(n_refs)], dtype=float)
        ok = n_refs > 0 and bool(np.all(np.isfinite(ref)))
        mean = float(np.mean(ref)) if ok else float("nan")
        sd = float(np.std(ref)) if ok else float("nan")
        rows.append(
            {
                "k": k,
                "log_w": real,
                "ref_log_w_mean": mean,
                "gap": mean - real,
                "sk": sd * np.sqrt(1.0 + 1.0 / n_refs) if n_refs else float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    out["k"] = out["k"].astype(int)
    return out


def gap_statistic(
    X: np.ndarray,
    ks: Iterable[int],
    *,
    n_refs: int = 10,
    random_state: int = 0,
    n_init: int = 1,
    max_iter: int = 300,
    sample_size: int | None = None,
) -> pd.DataFrame:
    """The whole gap statistic table in one call (see the module): W_k is the KMeans inertia,
    the references uniform over the data's principal-component bounding box, everything
    seeded from ``random_state`` and single-threaded, so it is reproducible across machines.
    Ks outside 1..n get NaN rows; above ``sample_size`` rows a fixed random subsample is used."""
    import sklearn.cluster  # noqa: F401  (before threadpool_limits: it limits loaded libraries)
    from threadpoolctl import threadpool_limits

    if n_refs < 1:
        raise ValueError("n_refs must be >= 1")
    ks = list(ks)
    data = gap_data(X, sample_size, random_state)
    with threadpool_limits(1):
        values = {
            (k, b): log_w(data, k, b, n_init=n_init, max_iter=max_iter)
            for k, b in in_draw_order(gap_items(ks, n_refs, data.X.shape[0]))
        }
    return gap_table(values, ks, n_refs)
