"""Running one job's fits: each from the fit cache when known, else fitted and scored, each
finished item reported to the job's Progress (progress.py)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from ..fit.algorithms import fit_one
from ..fit.fitting import pca_init_centres
from ..fit.scores import encode, silhouette_base
from ..io import fit_key, split_key
from .cache import FitCache
from .progress import Progress

log = logging.getLogger("kmeans_sweep")


@dataclass
class ChunkResult:
    rows: list[dict]
    labels: dict[tuple, np.ndarray]  # by fit key (io.fit_key)
    centers: dict[tuple, np.ndarray]
    computed: int
    cached: int
    fit_seconds: float = 0.0
    score_seconds: float = 0.0


class _Shared:
    """What every fit of a job reuses, built on first need: silhouette distances, encoded
    true labels, PCA init centres per k."""

    def __init__(self, X, y, settings):
        self.X, self.y, self.settings = X, y, settings
        self.sil = self.truth = None
        self.pca: dict[int, np.ndarray] = {}
        self.seconds = 0.0

    def prepare(self, k: int, init: str) -> None:
        if self.sil is None:
            start = time.perf_counter()
            self.sil = silhouette_base(self.X, self.settings["silhouette_sample_size"])
            self.seconds += time.perf_counter() - start  # scoring: counted as such
        if self.truth is None and self.y is not None:
            self.truth = encode(self.y)
        if init == "pca" and k not in self.pca:
            self.pca[k] = pca_init_centres(self.X, k)


def _row_context(X, settings: dict, init: str, algorithm: str, sklearn_version: str) -> dict:
    batch = {"batch_size": settings["batch_size"]} if algorithm == "minibatch" else {}
    return {
        "algorithm": algorithm,
        **batch,
        "n_init": 1 if init == "pca" else settings["n_init"],
        "max_iter": settings["max_iter"],
        "n_samples": int(X.shape[0]),
        "silhouette_sample_size": min(settings["silhouette_sample_size"], X.shape[0]),
        "sklearn_version": sklearn_version,
    }


def _compute(shared: _Shared, fit, dataset, cache, key, result) -> tuple:
    k, init, seed, algorithm = fit
    shared.prepare(k, init)
    X, y, settings = shared.X, shared.y, shared.settings
    row, labels, centers, problems = fit_one(
        X, y, k, init, seed, algorithm, settings, shared.sil, shared.pca.get(k), shared.truth
    )
    for problem in problems:
        log.warning("%s k=%d init=%s seed=%d %s: %s", dataset, k, init, seed, algorithm, problem)
    cache.put(key, row, labels, centers)
    result.computed += 1
    result.fit_seconds += row["fit_seconds"]
    result.score_seconds += row["score_seconds"]
    return row, labels, centers


def run_fits(
    X: np.ndarray,
    y: np.ndarray | None,
    fits: list,
    settings: dict,
    dataset: str,
    cache: FitCache,
    fail_on: str | None = None,
    progress: Progress | None = None,
    digest: str | None = None,
) -> ChunkResult:
    """Run (or fetch from the cache) every fit in ``fits`` = [fit key, ...] (io.fit_key:
    (k, init, seed) for lloyd, (k, init, seed, algorithm) otherwise). ``digest``: the data's
    hash (data.data_hash), computed here if not given."""
    import sklearn
    import sklearn.cluster
    import sklearn.metrics  # imported here, not inside the first fit's timing
    from threadpoolctl import threadpool_limits

    from ..data.load import data_hash

    digest = digest or data_hash(X, y)
    result = ChunkResult([], {}, {}, 0, 0)
    shared = _Shared(X, y, settings)
    with threadpool_limits(1):
        for fit in fits:
            k, init, seed, algorithm = fit = split_key(tuple(fit))
            k, seed = int(k), int(seed)
            if fail_on and fail_on == f"{dataset}:{k}:{init}:{seed}":
                raise RuntimeError(f"injected failure for fit k={k} init={init} seed={seed}")
            start = time.perf_counter()
            key = cache.key(digest, k, init, seed, settings, algorithm)
            hit = cache.get(key)
            if hit is not None:
                row, labels, centers = hit
                result.cached += 1
            else:
                row, labels, centers = _compute(shared, fit, dataset, cache, key, result)
            if progress is not None:
                seconds = time.perf_counter() - start
                progress.update(("fit", fit_key(*fit)), from_cache=hit is not None, seconds=seconds)
            context = _row_context(X, settings, init, algorithm, sklearn.__version__)
            result.rows.append({"dataset": dataset, **row, **context})
            result.labels[fit_key(*fit)] = labels
            result.centers[fit_key(*fit)] = centers
    result.score_seconds += shared.seconds
    return result


@dataclass
class GapResult:
    values: dict[tuple[int, int], float]  # (k, b): log W
    computed: int = 0
    cached: int = 0
    seconds: float = 0.0


def run_gap_items(
    X: np.ndarray, items, gap_settings: dict, digest: str, cache, progress: Progress | None = None
) -> GapResult:
    """The job's gap statistic items (k, b) (gap.py), each from the cache when known; the
    reference sets in turn, so each is drawn once."""
    import sklearn.cluster  # noqa: F401  (before threadpool_limits: it limits loaded libraries)
    from threadpoolctl import threadpool_limits

    from ..fit import gap

    result = GapResult({})
    data = None
    with threadpool_limits(1):
        for k, b in gap.in_draw_order(items):
            key = cache.gap_key(digest, k, b, gap_settings)
            hit = cache.get(key)
            if hit is not None:
                result.values[(k, b)] = float(hit[0]["log_w"])
                result.cached += 1
                if progress is not None:
                    progress.update(("gap", (k, b)), from_cache=True, seconds=0.0)
                continue
            start = time.perf_counter()
            if data is None:
                data = gap.gap_data(X, gap_settings["sample_size"])
            value = gap.log_w(
                data, k, b, n_init=gap_settings["n_init"], max_iter=gap_settings["max_iter"]
            )
            seconds = time.perf_counter() - start
            result.seconds += seconds
            cache.put(key, {"log_w": value}, np.empty(0), np.empty(0))
            result.values[(k, b)] = value
            result.computed += 1
            if progress is not None:
                progress.update(("gap", (k, b)), from_cache=False, seconds=seconds)
    return result
