"""Feature scaling of a prepared dataset, in place where it can be.

Standard scaling is done here with numpy, without importing scikit-learn (about 3 s of
start-up that the ``prepare_dataset`` job would otherwise pay on the critical path):

* float64 follows scikit-learn's ``StandardScaler`` operation by operation, so the result
  is the same to the last bit (tested against the pinned scikit-learn);
* float32 accumulates its statistics in float64 and is scaled block by block, because
  StandardScaler makes a float64 temporary as large as X.

Min-max scaling goes through scikit-learn's ``MinMaxScaler``.
"""

from __future__ import annotations

import warnings

import numpy as np

EPS64 = np.finfo(np.float64).eps


def scale(X: np.ndarray, method: str, *, in_place: bool = False) -> tuple[np.ndarray, list[int]]:
    """Scale features; returns the scaled matrix and the indices of constant columns.

    Constant columns never divide by zero: their scale stays 1, so such a column becomes
    all zeros. The result keeps X's dtype (float32 or float64). ``in_place=True``
    overwrites X instead of copying it.
    """
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    constant = [int(i) for i in np.flatnonzero(np.ptp(X, axis=0) == 0)] if len(X) else []
    if not in_place or X.dtype != dtype or not X.flags.c_contiguous or not X.flags.writeable:
        X = np.array(X, dtype=dtype, order="C")
    if method == "none":
        return X, constant
    if method == "standard":
        (standardize if dtype == np.float64 else standardize_blockwise)(X)
        return X, constant
    from sklearn.preprocessing import MinMaxScaler

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = MinMaxScaler(copy=False).fit_transform(X)
    return np.ascontiguousarray(out, dtype=dtype), constant


def standardize(X: np.ndarray) -> None:
    """Standard-scale a float64 X in place, as ``StandardScaler().fit_transform`` does.

    The steps are scikit-learn's (``_incremental_mean_and_var`` on a first call, then
    ``_is_constant_feature`` and ``_handle_zeros_in_scale``): the sum over rows, the mean,
    the corrected two-pass variance, and ``(X - mean) / sd`` with sd 1 where the variance
    is within rounding of zero.
    """
    n = float(X.shape[0])
    total = np.sum(X, axis=0)
    mean = (0.0 + total) / n  # 0.0 + : scikit-learn adds the (zero) previous sum; -0.0 -> 0.0
    resid = X - total / n
    correction = np.sum(resid, axis=0)
    resid **= 2
    var = np.sum(resid, axis=0)
    del resid
    var -= correction**2 / n
    var = var / n
    sd = np.sqrt(var)
    sd[is_constant(var, mean, n)] = 1.0
    X -= mean
    X /= sd


def is_constant(var: np.ndarray, mean: np.ndarray, n: float) -> np.ndarray:
    """Columns whose variance is within the two-pass algorithm's rounding error of zero
    (scikit-learn's ``_is_constant_feature``)."""
    return var <= n * EPS64 * var + (n * mean * EPS64) ** 2


def standardize_blockwise(X: np.ndarray, block: int = 65_536) -> None:
    """Standard-scale X in place: mean and variance in float64 over row blocks (two passes),
    then (x - mean) / sd written back block by block. A column with zero variance gets sd 1,
    as in StandardScaler."""
    n = X.shape[0]
    total = np.zeros(X.shape[1])
    for start in range(0, n, block):
        total += X[start : start + block].sum(axis=0, dtype=np.float64)
    mean = total / n
    sq = np.zeros(X.shape[1])
    for start in range(0, n, block):
        resid = X[start : start + block].astype(np.float64) - mean
        sq += np.einsum("ij,ij->j", resid, resid)
    var = sq / n
    sd = np.sqrt(var)
    sd[is_constant(var, mean, n)] = 1.0
    for start in range(0, n, block):
        X[start : start + block] = (X[start : start + block] - mean) / sd
