"""Feature selection as expression studies do it: keep the ``top_variable_features`` features
with the highest spread, measured by the median absolute deviation (``feature_selection:
mad``, as in the ConsensusClusterPlus vignette) or the variance, on the unscaled data (before
scaling, which would make every variance 1).

The spread is measured a block of columns at a time, so the memory beyond X stays bounded.
"""

from __future__ import annotations

import numpy as np

MEASURES = ("mad", "variance")
BLOCK_BYTES = 1 << 26  # 64 MiB of float64 per block of columns


def spread(X: np.ndarray, measure: str) -> np.ndarray:
    """Each column's median absolute deviation (unscaled) or population variance."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    n, p = X.shape
    width = max(1, BLOCK_BYTES // (8 * max(n, 1)))
    out = np.empty(p)
    for start in range(0, p, width):
        B = np.asarray(X[:, start : start + width], dtype=np.float64)
        if measure == "mad":
            B = np.abs(B - np.median(B, axis=0))
            out[start : start + width] = np.median(B, axis=0)
        else:
            out[start : start + width] = np.var(B, axis=0)
    return out


def top_features(X: np.ndarray, n_top: int, measure: str) -> np.ndarray:
    """The indices, in column order, of the ``n_top`` columns with the highest spread (ties
    go to the earlier column); every column when there are no more than ``n_top``."""
    p = X.shape[1]
    if n_top >= p:
        return np.arange(p)
    order = np.argsort(-spread(X, measure), kind="stable")
    return np.sort(order[:n_top])


def select(X: np.ndarray, names: list[str], n_top: int | None, measure: str):
    """(X with the kept columns, their names, the record for meta.json or None)."""
    if n_top is None:
        return X, names, None
    keep = top_features(X, int(n_top), measure)
    record = {
        "measure": measure,
        "top_variable_features": int(n_top),
        "n_features_before": int(X.shape[1]),
        "n_features_kept": len(keep),
    }
    if len(keep) == X.shape[1]:
        return X, names, record
    return np.ascontiguousarray(X[:, keep]), [names[i] for i in keep], record
