"""Fitting on a memory-mapped X in the memory X already takes, with bit-identical results."""

from __future__ import annotations

import contextlib
import os

import numpy as np

from . import lean_kmeans


def _whole_file_map(X) -> bool:
    import mmap

    return isinstance(X, np.memmap) and isinstance(X.base, mmap.mmap) and X.filename is not None


def fit_model(model, X):
    """``model.fit(X)`` in the memory X already takes, with bit-identical results.

    scikit-learn's KMeans and BisectingKMeans copy X (``copy_x=True``) because they centre it
    in place. For a memory-mapped X, the fit instead gets a fresh private copy-on-write mapping
    of the file and ``copy_x=False``: the centring dirties pages of that mapping only, which
    are dropped with it after the fit, so the next fit sees the file's exact values again.
    The read-only mapping's resident pages are released first (they stay in the page cache),
    so the job holds the data once, not twice. scikit-learn's tolerance, np.var(X, axis=0),
    would make a temporary as large as X: it is computed here, bit for bit, a few columns at
    a time and once per file. Any other X is fitted as it is (``lean_kmeans.fit``).
    """
    if not _whole_file_map(X) or "copy_x" not in model.get_params():
        return lean_kmeans.fit(model, X)
    import mmap

    variances = column_variances(X)
    X.base.madvise(mmap.MADV_DONTNEED)  # drop this mapping's page-table entries, not the data
    private = np.memmap(
        X.filename, dtype=X.dtype, mode="c", shape=X.shape, offset=X.offset, order="C"
    )
    copy_x = model.get_params()["copy_x"]
    model.set_params(copy_x=False)
    try:
        with _tolerance_from(variances):
            return model.fit(private)
    finally:
        model.set_params(copy_x=copy_x)
        del private


_VARIANCES: dict = {}


def column_variances(X: np.memmap, width: int = 8) -> np.ndarray:
    """``np.var(X, axis=0)`` bit for bit (each column's reduction runs in the same order),
    ``width`` columns at a time; remembered for the file (by path, size and mtime)."""
    st = os.stat(X.filename)
    key = (str(X.filename), st.st_size, st.st_mtime_ns, X.shape, str(X.dtype))
    if key not in _VARIANCES:
        _VARIANCES.clear()
        parts = [np.var(X[:, j : j + width], axis=0) for j in range(0, X.shape[1], width)]
        _VARIANCES[key] = np.concatenate(parts)
    return _VARIANCES[key]


@contextlib.contextmanager
def _tolerance_from(variances: np.ndarray):
    """scikit-learn's KMeans tolerance (``_tolerance``), from precomputed variances."""
    from sklearn.cluster import _kmeans

    original = _kmeans._tolerance

    def tolerance(X, tol):
        return 0 if tol == 0 else np.mean(variances) * tol

    _kmeans._tolerance = tolerance
    try:
        yield
    finally:
        _kmeans._tolerance = original


# --- labels and centres of fits ---------------------------------------------------------
