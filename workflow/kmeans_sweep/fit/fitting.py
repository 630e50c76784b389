"""Fitting one KMeans and scoring it.

A fit's result depends only on: the prepared data, k, init, seed, the fit settings and the
library versions; every fit runs with one BLAS/OpenMP thread (see runner.py), so results do not
depend on ``--cores`` or on how fits are grouped into jobs.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from .scores import SilhouetteBase, score

LABEL_METRICS = ("homogeneity", "completeness", "v_measure", "ari", "ami")
INTERNAL_METRICS = ("silhouette", "calinski_harabasz", "davies_bouldin")
METRICS = (
    "fit_seconds",
    "score_seconds",
    "inertia",
    "n_iter",
    "n_clusters",
    *INTERNAL_METRICS,
    *LABEL_METRICS,
)


# --- one fit ----------------------------------------------------------------------------


def _kmeans(k: int, init: str, seed: int, n_init: int, max_iter: int, pca_init):
    from sklearn.cluster import KMeans

    if init == "pca":
        # scikit-learn's digits example: centres from the first k principal axes, one run
        return KMeans(n_clusters=k, init=pca_init, n_init=1, max_iter=max_iter, random_state=seed)
    return KMeans(n_clusters=k, init=init, n_init=n_init, max_iter=max_iter, random_state=seed)


def pca_init_centres(X: np.ndarray, k: int) -> np.ndarray:
    """The first k principal axes. ``random_state`` fixes the randomized SVD scikit-learn
    chooses for wide data (p > 10 n), which made init pca differ from run to run there; the
    exact solvers it uses otherwise ignore it."""
    from sklearn.decomposition import PCA

    return PCA(n_components=k, random_state=0).fit(X).components_


def fit_one(
    X: np.ndarray,
    y: np.ndarray | None,
    k: int,
    init: str,
    seed: int,
    settings: dict,
    sil: SilhouetteBase,
    pca_init=None,
    truth=None,
) -> tuple[dict, np.ndarray, np.ndarray, list[str]]:
    """Fit and score one KMeans. Returns (row, labels, centres, warnings)."""
    if init == "pca" and pca_init is None:
        pca_init = pca_init_centres(X, k)
    model = _kmeans(k, init, seed, settings["n_init"], settings["max_iter"], pca_init)
    return fit_and_score(model, X, y, k, init, seed, sil, truth)


def fit_and_score(
    model, X: np.ndarray, y: np.ndarray | None, k: int, init: str, seed: int, sil, truth=None
) -> tuple[dict, np.ndarray, np.ndarray, list[str]]:
    """Fit one scikit-learn clusterer (any KMeans family member) and score it."""
    from sklearn.exceptions import ConvergenceWarning

    from .mapped_fit import fit_model

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        fit_model(model, X)
        seconds = time.perf_counter() - start
    problems = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    labels = model.labels_.astype(np.int32)
    n_iter = getattr(model, "n_iter_", None)  # BisectingKMeans reports none
    row = {
        "k": int(k),
        "init": str(init),
        "seed": int(seed),
        "fit_seconds": float(seconds),
        "inertia": float(model.inertia_),
        "n_iter": None if n_iter is None else int(n_iter),
    }
    start = time.perf_counter()
    scores, more = score(X, labels, y, sil, truth)
    row.update(scores)
    row["score_seconds"] = float(time.perf_counter() - start)
    return row, labels, np.asarray(model.cluster_centers_, dtype=np.float64), problems + more
