"""``KMeans(algorithm="lloyd").fit(X)`` without scikit-learn's per-call overhead, bit for bit.

On small data a fit is a few milliseconds, and scikit-learn's checks around it (validation,
parameter checks, the array-API dispatch of ``_euclidean_distances`` in every k-means++ step)
are 15-20 % of that: the resampling evidence alone makes ~1,900 such fits on digits. For a
``KMeans`` with algorithm lloyd, an int n_init and init k-means++, random or an array, on a
float64 ndarray in memory, :func:`fit` does what ``KMeans.fit`` does (scikit-learn 1.9's
``_kmeans.py``), step for step with the same numpy operations in the same order: copy X, the
tolerance from X's variances, centre X, squared row norms, each init drawn from the same
``RandomState`` calls, ``_kmeans_single_lloyd`` on as many threads (one in the fit jobs),
the best of n_init by inertia, the centres moved back, the same ConvergenceWarning. The
estimator's fitted attributes are set as ``fit`` sets them. Anything else (float32, a memory
map, elkan, the other estimators) goes to ``model.fit``. ``tests/fit/test_lean_kmeans.py``
checks labels, centres, inertia and iterations equal to the last bit against ``KMeans.fit``."""

from __future__ import annotations

import warnings

import numpy as np


def applies(model, X) -> bool:
    """Whether :func:`fit` reproduces ``model.fit(X)`` here (else it calls it)."""
    return _params(model, X) is not None


def _params(model, X) -> dict | None:
    """The estimator's parameters (read once: ``get_params`` inspects the signature every
    call) when :func:`fit` reproduces ``model.fit(X)``, else None."""
    from sklearn.cluster import KMeans

    if type(model) is not KMeans or type(X) is not np.ndarray:
        return None
    p = model.get_params()
    init = p["init"]
    ok = (
        X.dtype == np.float64
        and X.ndim == 2
        and X.shape[0] >= p["n_clusters"]
        and p["algorithm"] == "lloyd"
        and isinstance(p["n_init"], int)
        and p["copy_x"]
        and not p["verbose"]
        and (isinstance(init, np.ndarray) or init in ("k-means++", "random"))
    )
    return p if ok else None


def fit(model, X):
    """``model.fit(X)``, bit for bit; without scikit-learn's overhead where :func:`applies`."""
    p = _params(model, X)
    if p is None:
        return model.fit(X)
    from sklearn.cluster._kmeans import _is_same_clustering, _kmeans_single_lloyd, _tolerance
    from sklearn.utils import check_random_state
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    k = p["n_clusters"]
    X = np.array(X, dtype=np.float64, order="C", copy=True)
    tol = _tolerance(X, p["tol"])  # of X before centring, as KMeans._check_params_vs_input
    random_state = check_random_state(p["random_state"])
    weight = np.ones(X.shape[0], dtype=X.dtype)
    start = p["init"]
    n_init = 1 if isinstance(start, np.ndarray) else p["n_init"]
    mean = X.mean(axis=0)
    X -= mean
    norms = np.einsum("ij,ij->i", X, X)
    best, threads = None, _openmp_effective_n_threads()  # 1 in the fit jobs
    for _ in range(n_init):
        centres = _initial(X, k, start, mean, norms, weight, random_state)
        labels, inertia, found, n_iter = _kmeans_single_lloyd(
            X, weight, centres, max_iter=p["max_iter"], verbose=False, tol=tol, n_threads=threads
        )
        if best is None or (inertia < best[1] and not _is_same_clustering(labels, best[0], k)):
            best = (labels, inertia, found, n_iter)
    return _fitted(model, k, X.shape[1], mean, *best)


def _initial(X, k, start, mean, norms, weight, random_state) -> np.ndarray:
    """The starting centres of one run, as ``KMeans._init_centroids``."""
    if isinstance(start, np.ndarray):
        centres = np.array(start, dtype=X.dtype, copy=True, order="C")
        centres -= mean
        return centres
    if start == "random":
        rows = random_state.choice(X.shape[0], size=k, replace=False, p=weight / weight.sum())
        return X[rows]
    return _kmeans_plusplus(X, k, norms, weight, random_state)


def _kmeans_plusplus(X, k, norms, weight, random_state) -> np.ndarray:
    """scikit-learn's greedy k-means++ (``_kmeans._kmeans_plusplus``, 2 + log k local trials),
    its distances computed as its ``_euclidean_distances`` computes them for float64."""
    n, p = X.shape
    trials = 2 + int(np.log(k))
    centres = np.empty((k, p), dtype=X.dtype)
    first = random_state.choice(n, p=weight / weight.sum())
    centres[0] = X[first]
    closest = _squared_distances(centres[0, np.newaxis], X, norms)
    potential = closest @ weight
    for c in range(1, k):
        draws = random_state.uniform(size=trials) * potential
        candidates = np.searchsorted(np.cumsum(weight * closest), draws)
        np.clip(candidates, None, closest.size - 1, out=candidates)
        distances = _squared_distances(X[candidates], X, norms)
        np.minimum(closest, distances, out=distances)
        potentials = distances @ weight.reshape(-1, 1)
        best = np.argmin(potentials)
        potential, closest = potentials[best], distances[best]
        centres[c] = X[candidates[best]]
    return centres


def _squared_distances(A, X, norms) -> np.ndarray:
    """Squared Euclidean distances of A's rows to X's rows, clipped at 0: -2 A X' + |a|^2 +
    |x|^2, in scikit-learn's order."""
    out = -2 * (A @ X.T)
    out += np.einsum("ij,ij->i", A, A)[:, None]
    out += norms.reshape(1, -1)
    np.maximum(out, 0, out=out)
    return out


def _fitted(model, k, n_features, mean, labels, inertia, centres, n_iter):
    """Set the attributes ``KMeans.fit`` sets, and warn as it warns."""
    from sklearn.exceptions import ConvergenceWarning

    centres += mean
    distinct = len(set(labels))
    if distinct < k:
        warnings.warn(
            f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({k}). "
            "Possibly due to duplicate points in X.",
            ConvergenceWarning,
            stacklevel=3,
        )
    model.n_features_in_ = n_features
    model.cluster_centers_ = centres
    model._n_features_out = centres.shape[0]
    model.labels_ = labels
    model.inertia_ = inertia
    model.n_iter_ = n_iter
    return model
