"""Resampling fits for choosing k (issue 19): subsamples, half-splits, the reference null, and
one fit per work item. numpy at import time; scikit-learn only inside the fitting functions.

Work items and what each returns (small and picklable; the aggregation is in
``choose/resampling/``, whose ``reference.py`` runs everything in one process, the result the
distributed workflow must equal; the defaults are the config schema's):

- **resample item** ``(source, h, k)``, ``source`` = ``definitions.DATA`` (-1) for the data or
  ``b = 0..B-1`` for null reference b (:func:`null_reference`): :func:`resample_labels`
  returns the labels (int8/int16/int32, the smallest that holds k) of the rows
  ``subsample(n, fraction, seed, h)``, in that order. The rows are the same for every k and
  every source, so they are not stored: the aggregation draws them again.
- **split item** ``(m, k)``: :func:`prediction_strength_run` returns one float, fpc's value of
  half-split m at k.

Everything is deterministic: rows from ``(seed, tag, h)``, splits from ``(seed, tag, m)``,
reference b from ``(seed, tag, b)``, and each fit's ``random_state`` from ``(seed, h, k)``
(the same for the data and every reference: common random numbers, as M3C's ``set.seed``).
Fits run as the sweep's (:func:`algorithms.estimator`): the same init, algorithm, n_init and
max_iter mean the same thing. Call them under ``threadpool_limits(1)`` for reproducible sums.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

SUBSAMPLE_TAG = 0x5253  # "RS": rows of subsample h
EVIDENCE_TAG = 0x4556  # "EV": the rows the evidence uses above max_rows
SPLIT_TAG = 0x5053  # "PS": half-split m
NULL_TAG = 0x4E55  # "NU": null reference b
FIT_TAG = 0x4654  # "FT": random_state of a resample fit
SPLIT_FIT_TAG = 0x5346  # "SF": random_state of a split's two fits
NULL_CHUNK = 65536  # rows of a null reference drawn per random stream (fixed: part of the result)


def _rng(*entropy: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(e) for e in entropy]))


def fit_seed(*entropy: int) -> int:
    """A KMeans ``random_state`` (0 .. 2**32-1) from the given non-negative integers."""
    return int(np.random.SeedSequence([int(e) for e in entropy]).generate_state(1)[0])


def evidence_rows(n: int, max_rows: int | None, seed: int) -> np.ndarray | None:
    """The rows the resampling evidence uses: every row (None) up to ``max_rows``; above it a
    fixed uniform sample of ``max_rows`` rows, sorted, drawn from (seed, EVIDENCE_TAG). Every
    item, the pair sample and the tables then work on those rows as if they were the data, so
    the cost does not grow with n (stability-based choices of k behave differently as n grows:
    Ben-David, von Luxburg & Pal 2006)."""
    if not max_rows or n <= max_rows:
        return None
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), EVIDENCE_TAG]))
    return np.sort(rng.choice(n, size=int(max_rows), replace=False))


def subsample(n: int, fraction: float, seed: int, h: int) -> np.ndarray:
    """Sorted row indices of subsample h: floor(n * fraction) rows without replacement."""
    size = int(np.floor(n * fraction))
    if not 1 <= size <= n:
        raise ValueError(f"fraction {fraction} of {n} rows draws {size} rows")
    rows = _rng(seed, SUBSAMPLE_TAG, h).choice(n, size=size, replace=False)
    return np.sort(rows).astype(np.int64)


def halves(n: int, seed: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Split m: sorted rows of a random half of floor(n/2) rows, and of the rest (fpc)."""
    order = _rng(seed, SPLIT_TAG, m).permutation(n)
    return np.sort(order[: n // 2]), np.sort(order[n // 2 :])


def label_dtype(k: int) -> np.dtype:
    """The smallest signed integer type that holds labels 0..k-1 and -1."""
    return np.dtype(np.int8 if k <= 127 else np.int16 if k <= 32767 else np.int32)


# --- the reference null -------------------------------------------------------------------


@dataclass(frozen=True)
class NullModel:
    """A multivariate normal with X's column means and covariance, as mean + Z S' Vt
    (S' = singular values / sqrt(n-1) of the centred X, Z ~ N(0, 1) of n x r, r = min(n, p));
    M3C's reverse PCA for tabular data. S and Vt come from the smaller Gram matrix (p x p
    when n >= p, n x n when p > n), never larger than X: nothing p x p when p > n."""

    mean: np.ndarray  # (p,) float64
    scale: np.ndarray  # (r,) singular values / sqrt(n - 1)
    vt: np.ndarray  # (r, p) right singular vectors
    n: int
    dtype: np.dtype

    @classmethod
    def from_data(cls, X: np.ndarray, chunk: int = NULL_CHUNK) -> NullModel:
        n, p = X.shape
        if n < 2:
            raise ValueError("the null needs at least 2 rows")
        mean = np.zeros(p)
        for s in range(0, n, chunk):
            mean += X[s : s + chunk].sum(axis=0, dtype=np.float64)
        mean /= n
        sing, vt = _gram_svd(X, mean, chunk) if n >= p else _thin_svd(X, mean)
        return cls(mean, sing / np.sqrt(n - 1), vt, n, np.dtype(X.dtype))


def _gram_svd(X, mean, chunk):
    """n >= p: S and Vt from the p x p Gram matrix (no larger than X), read a chunk at a time."""
    p = X.shape[1]
    gram = np.zeros((p, p))
    for s in range(0, X.shape[0], chunk):
        block = np.asarray(X[s : s + chunk], dtype=np.float64) - mean
        gram += block.T @ block
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1]
    return np.sqrt(np.clip(values[order], 0, None)), vectors[:, order].T


def _thin_svd(X, mean):
    """p > n: S and Vt from the n x n Gram matrix of the centred X (smaller than X):
    Vt = U^T Xc / S; directions with S ~ 0 (the centring's, rank deficiency) get Vt = 0."""
    Xc = np.asarray(X, dtype=np.float64) - mean
    values, u = np.linalg.eigh(Xc @ Xc.T)
    order = np.argsort(values)[::-1]
    sing = np.sqrt(np.clip(values[order], 0, None))
    keep = sing > sing[0] * 1e-7 if sing[0] > 0 else np.zeros(len(sing), dtype=bool)
    vt = np.zeros((len(sing), Xc.shape[1]))
    vt[keep] = (u[:, order[keep]].T @ Xc) / sing[keep, None]
    return np.where(keep, sing, 0.0), vt


def null_reference(model: NullModel, seed: int, b: int) -> np.ndarray:
    """Reference dataset b (n x p, X's dtype), drawn NULL_CHUNK rows at a time, chunk c
    from the stream (seed, NULL_TAG, b, c)."""
    out = np.empty((model.n, model.vt.shape[1]), dtype=model.dtype)
    r = len(model.scale)
    for c, s in enumerate(range(0, model.n, NULL_CHUNK)):
        rows = min(NULL_CHUNK, model.n - s)
        z = _rng(seed, NULL_TAG, b, c).standard_normal((rows, r))
        out[s : s + rows] = model.mean + (z * model.scale) @ model.vt
    return out


# --- fits ---------------------------------------------------------------------------------


def fit_rows(X, k, *, random_state, init, algorithm, n_init, max_iter=300, batch_size=1024):
    """Fit one KMeans (the sweep's estimator for init/algorithm) on X. Returns (labels in
    :func:`label_dtype`, centres float64)."""
    from sklearn.exceptions import ConvergenceWarning

    from . import lean_kmeans
    from .algorithms import estimator
    from .fitting import pca_init_centres

    settings = {"n_init": n_init, "max_iter": max_iter, "batch_size": batch_size}
    start = pca_init_centres(X, k) if init == "pca" else None
    model = estimator(k, init, random_state, algorithm, settings, start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lean_kmeans.fit(model, X)
    labels = model.labels_.astype(label_dtype(k))
    return labels, np.asarray(model.cluster_centers_, dtype=np.float64)


def resample_labels(source_X, k, h, *, seed, fraction, init, algorithm, n_init, **fit):
    """The resample item (source, h, k) on ``source_X`` (the data or a null reference): the
    labels of the rows ``subsample(n, fraction, seed, h)``; random_state from (seed, h, k)."""
    rows = subsample(source_X.shape[0], fraction, seed, h)
    labels, _ = fit_rows(
        source_X[rows], k, random_state=fit_seed(seed, FIT_TAG, h, k),
        init=init, algorithm=algorithm, n_init=n_init, **fit,
    )
    return labels


def nearest_centre(X, centres, chunk: int = 65536) -> np.ndarray:
    """Index of each row's nearest centre (squared Euclidean), a chunk of rows at a time."""
    c = np.asarray(centres, dtype=np.float64)
    norms = (c * c).sum(axis=1)
    out = np.empty(X.shape[0], dtype=label_dtype(len(c)))
    for s in range(0, X.shape[0], chunk):
        block = np.asarray(X[s : s + chunk], dtype=np.float64)
        out[s : s + len(block)] = np.argmin(norms - 2.0 * block @ c.T, axis=1)
    return out


def prediction_strength(test_labels, predicted_labels) -> float:
    """Tibshirani & Walther's prediction strength of one test set (fpc's convention): the
    minimum over test clusters of sum(ct^2 - ct) / (n_c (n_c - 1)), ct the counts of the
    predicted labels inside test cluster c; a singleton cluster scores 1."""
    test = np.asarray(test_labels, dtype=np.int64)
    pred = np.asarray(predicted_labels, dtype=np.int64)
    width = int(pred.max()) + 1
    counts = np.bincount(test * width + pred, minlength=(int(test.max()) + 1) * width)
    counts = counts.reshape(-1, width).astype(np.float64)
    sizes = counts.sum(axis=1)
    sizes = sizes[sizes > 0]
    kept = (counts * counts - counts).sum(axis=1)[counts.sum(axis=1) > 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(sizes > 1, kept / (sizes * (sizes - 1)), 1.0)
    return float(share.min())


def prediction_strength_run(X, k, m, *, seed, init, algorithm, n_init, **fit) -> float:
    """The split item (m, k), fpc's value of half-split m: cluster both halves, classify each
    half by the other's nearest centroid, score each half as the test set
    (:func:`prediction_strength`) and return the mean of the two. Each half's fit has
    random_state (seed, m, k, half)."""
    parts = halves(X.shape[0], seed, m)
    if k > len(parts[0]):
        return float("nan")
    fits = [
        fit_rows(X[rows], k, random_state=fit_seed(seed, SPLIT_FIT_TAG, m, k, half),
                 init=init, algorithm=algorithm, n_init=n_init, **fit)
        for half, rows in enumerate(parts)
    ]
    values = []
    for test in (0, 1):
        labels, _ = fits[test]
        _, train_centres = fits[1 - test]
        values.append(prediction_strength(labels, nearest_centre(X[parts[test]], train_centres)))
    return float(np.mean(values))
