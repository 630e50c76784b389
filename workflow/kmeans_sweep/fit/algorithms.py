"""The KMeans algorithms a sweep can cross with k, init and seed, and fitting one of them.

``lloyd`` fits go through :func:`fitting.fit_one` unchanged (so their results and cache keys
are those of a sweep without this dimension); ``elkan`` (KMeans(algorithm="elkan")),
``minibatch`` (MiniBatchKMeans with ``batch_size``) and ``bisecting`` (BisectingKMeans) are
built here and fitted and scored the same way. Parse-time helpers import no scikit-learn.
"""

from __future__ import annotations

ALGORITHMS = ("lloyd", "elkan", "minibatch", "bisecting")
DEFAULT = "lloyd"
#: Inits an algorithm cannot use, and why (said at parse time, in the README and the report).
UNSUPPORTED_INITS: dict[str, dict[str, str]] = {
    "bisecting": {
        "pca": "BisectingKMeans accepts only init k-means++ or random, no array of centres",
    },
}
#: Fit settings that matter only to some algorithms (left out of the others' cache keys).
ONLY_FOR = {"batch_size": "minibatch"}


def supports(algorithm: str, init: str) -> bool:
    return init not in UNSUPPORTED_INITS.get(algorithm, {})


def skipped(inits, algorithms) -> list[tuple[str, str, str]]:
    """(init, algorithm, reason) of every swept combination that is not fitted."""
    return [
        (init, algo, UNSUPPORTED_INITS[algo][init])
        for algo in algorithms
        for init in inits
        if not supports(algo, init)
    ]


def skipped_lines(inits, algorithms) -> list[str]:
    """One sentence per skipped (init, algorithm) combination."""
    return [
        f"init {init} with algorithm {algo} is skipped: {why}"
        for init, algo, why in skipped(inits, algorithms)
    ]


def settings_for(settings: dict, algorithm: str) -> dict:
    """The fit settings that change a fit of ``algorithm`` (its cache key's settings)."""
    return {
        key: value
        for key, value in settings.items()
        if ONLY_FOR.get(key, algorithm) == algorithm
    }


# --- one fit --------------------------------------------------------------------------


def estimator(k: int, init: str, seed: int, algorithm: str, settings: dict, pca_init=None):
    """The scikit-learn estimator of one fit (init pca: the given centres, one run)."""
    from sklearn.cluster import BisectingKMeans, KMeans, MiniBatchKMeans

    if not supports(algorithm, init):
        raise ValueError(f"algorithm {algorithm} does not support init {init}")
    start, n_init = (pca_init, 1) if init == "pca" else (init, settings["n_init"])
    common = {"n_clusters": k, "init": start, "n_init": n_init, "random_state": seed,
              "max_iter": settings["max_iter"]}
    if algorithm in ("lloyd", "elkan"):
        return KMeans(algorithm=algorithm, **common)
    if algorithm == "minibatch":
        return MiniBatchKMeans(batch_size=settings["batch_size"], **common)
    if algorithm == "bisecting":
        return BisectingKMeans(**common)
    raise ValueError(f"unknown algorithm {algorithm!r}")


def fit_one(X, y, k, init, seed, algorithm, settings, sil, pca_init=None, truth=None):
    """Fit and score one fit of any algorithm. Returns (row, labels, centres, warnings)."""
    from . import fitting

    if algorithm == DEFAULT:
        return fitting.fit_one(X, y, k, init, seed, settings, sil, pca_init, truth)
    if init == "pca" and pca_init is None:
        pca_init = fitting.pca_init_centres(X, k)
    model = estimator(k, init, seed, algorithm, settings, pca_init)
    return fitting.fit_and_score(model, X, y, k, init, seed, sil, truth)
