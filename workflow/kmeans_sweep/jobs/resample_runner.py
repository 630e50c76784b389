"""Running one job's resampling items (resample_items.py), each from the fit cache when known.

A consensus item's result is the labels of its subsample's rows (compact integers); a
prediction strength item's is one number. The job writes them all to one ``.npz``
(:func:`write_results`), which the ``resampling`` step reads back (:func:`read_results`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..definitions import DATA
from .resample_items import in_draw_order


@dataclass
class ResampleResult:
    values: dict[tuple, np.ndarray | float] = field(default_factory=dict)
    computed: int = 0
    cached: int = 0
    seconds: float = 0.0


class _Sources:
    """The data, or a null reference drawn once (the last one asked for is kept)."""

    def __init__(self, X, settings):
        from ..fit.resample import evidence_rows

        rows = evidence_rows(len(X), settings.get("max_rows"), settings.get("seed", 0))
        self.X = X if rows is None else np.ascontiguousarray(X[rows])  # the evidence's rows
        self.settings = settings
        self.model = None
        self._ref: tuple[int, np.ndarray] | None = None

    def get(self, b: int) -> np.ndarray:
        from ..fit import resample

        if b == DATA:
            return self.X
        if self._ref is None or self._ref[0] != b:
            if self.model is None:
                self.model = resample.NullModel.from_data(self.X)
            self._ref = (b, resample.null_reference(self.model, self.settings["seed"], b))
        return self._ref[1]


#: the settings the fits of resample.py take (config.resampling_settings has them all)
FIT_KEYS = ("seed", "init", "algorithm", "n_init", "max_iter", "batch_size")


def _compute(item: tuple, sources: _Sources, settings: dict):
    from ..fit import resample

    fit = {key: settings[key] for key in FIT_KEYS}
    if item[0] == "cc":
        _, b, h, k = item
        return resample.resample_labels(
            sources.get(b), k, h, fraction=settings["fraction"], **fit
        )
    _, m, k = item
    return resample.prediction_strength_run(sources.X, k, m, **fit)


def run_resample_items(X, items, settings: dict, digest: str, cache, progress=None):
    """Run (or fetch from the cache) every resampling item of a job, sources in turn so that
    each null reference is drawn once."""
    import sklearn.cluster  # noqa: F401  (before threadpool_limits: it limits loaded libraries)
    from threadpoolctl import threadpool_limits

    result = ResampleResult()
    sources = _Sources(X, settings)
    with threadpool_limits(1):
        for item in in_draw_order(items):
            start = time.perf_counter()
            key = cache.resample_key(digest, item, settings)
            hit = cache.get(key)
            if hit is not None:
                value = hit[1] if item[0] == "cc" else float(hit[0]["ps"])
                result.cached += 1
            else:
                value = _compute(item, sources, settings)
                row = {} if item[0] == "cc" else {"ps": float(value)}
                labels = value if item[0] == "cc" else np.empty(0)
                cache.put(key, row, labels, np.empty(0))
                result.computed += 1
                result.seconds += time.perf_counter() - start
            result.values[item] = value
            if progress is not None:
                seconds = time.perf_counter() - start
                progress.update(("resample", item), from_cache=hit is not None, seconds=seconds)
    return result


def _name(item: tuple) -> str:
    return ":".join(str(v) for v in item)


def write_results(values: dict, path) -> None:
    """One job's results: an array per consensus item, the prediction strengths as rows."""
    from ..io import atomic_path

    arrays = {_name(i): v for i, v in values.items() if i[0] == "cc"}
    ps = [(m, k, v) for (kind, *rest), v in values.items() if kind == "ps" for m, k in [rest]]
    arrays["ps"] = np.array(sorted(ps), dtype=float).reshape(-1, 3)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def read_results(paths) -> tuple[dict, dict]:
    """The jobs' results back: ({("cc", b, h, k): labels path-and-key}, {(m, k): ps}).
    Labels are not loaded here (they can be large): the first dict maps each item to
    (path, array name) for :func:`load_labels`."""
    where, ps = {}, {}
    for path in paths:
        with np.load(path) as z:
            for name in z.files:
                if name == "ps":
                    for m, k, v in z["ps"]:
                        ps[(int(m), int(k))] = float(v)
                else:
                    kind, *rest = name.split(":")
                    where[(kind, *(int(v) for v in rest))] = (str(path), name)
    return where, ps
