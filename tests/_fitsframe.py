"""Test helper: run a small KMeans sweep with scikit-learn and return a ``fits``
frame and ``labels`` dict in the sweep's contract format."""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

LABEL_METRICS = {
    "homogeneity": metrics.homogeneity_score,
    "completeness": metrics.completeness_score,
    "v_measure": metrics.v_measure_score,
    "ari": metrics.adjusted_rand_score,
    "ami": metrics.adjusted_mutual_info_score,
}


def _init_for(X: np.ndarray, k: int, init: str):
    if init == "pca":
        return PCA(n_components=k).fit(X).components_
    return init


def build_fits(
    X: np.ndarray,
    ks: Iterable[int],
    inits: Iterable[str] = ("k-means++", "random"),
    seeds: Iterable[int] = range(5),
    *,
    y: np.ndarray | None = None,
    dataset: str = "test",
    silhouette_sample: int | None = None,
) -> tuple[pd.DataFrame, dict[tuple[int, str, int], np.ndarray]]:
    """One KMeans fit (n_init=1) per (k, init, seed); returns (fits, labels)."""
    rows = []
    labels: dict[tuple[int, str, int], np.ndarray] = {}
    with threadpool_limits(1):
        for k in ks:
            for init in inits:
                if init == "pca" and k > min(X.shape):
                    continue  # PCA has at most min(n, d) components
                init_arg = _init_for(X, k, init)
                for seed in seeds:
                    t0 = time.perf_counter()
                    km = KMeans(n_clusters=k, init=init_arg, n_init=1, random_state=seed).fit(X)
                    secs = time.perf_counter() - t0
                    lab = km.labels_.astype(np.int64)
                    n_found = int(np.unique(lab).size)
                    row = {
                        "dataset": dataset,
                        "k": int(k),
                        "init": init,
                        "seed": int(seed),
                        "fit_seconds": secs,
                        "inertia": float(km.inertia_),
                        "n_iter": int(km.n_iter_),
                        "n_clusters": n_found,
                        "silhouette": np.nan,
                        "calinski_harabasz": np.nan,
                        "davies_bouldin": np.nan,
                    }
                    if 2 <= n_found <= X.shape[0] - 1:
                        row["silhouette"] = metrics.silhouette_score(
                            X, lab, sample_size=silhouette_sample, random_state=0
                        )
                        row["calinski_harabasz"] = metrics.calinski_harabasz_score(X, lab)
                        row["davies_bouldin"] = metrics.davies_bouldin_score(X, lab)
                    if y is not None:
                        for name, fn in LABEL_METRICS.items():
                            row[name] = fn(y, lab)
                    rows.append(row)
                    labels[(int(k), init, int(seed))] = lab
    return pd.DataFrame(rows), labels
