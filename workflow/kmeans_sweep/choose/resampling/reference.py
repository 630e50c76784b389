"""Resampling statistics in one process: every work item of ``fit/resample.py`` run in turn
and aggregated by ``tables.py``, the result the distributed workflow must equal.
(Here and not in fit/: it aggregates with the choose stage's functions.)

Loop order (it changes nothing: every item is seeded by its own ids): the data, then each
reference (drawn once, then dropped); inside each, k; inside each k, the H subsamples,
added to the consensus one at a time. Memory O(P + H n) besides X and one reference.
"""

from __future__ import annotations

import numpy as np

from ...definitions import schema_defaults
from ...fit import resample as rs
from ...jobs.resample_items import valid_ks
from . import tables as rt
from .consensus import co_drawn, n_pairs, pair_sample
from .results import in_data_rows

BEST_TAG = 0x4246  # "BF": random_state of the full-data fit when no best labelling is given


def settings_with(overrides: dict | None = None) -> dict:
    """The workflow's resampling settings (``config.resampling_settings``): the schema's
    defaults, the sweep's default fit (k-means++, lloyd, one start, 300 iterations), and
    ``overrides``."""
    fit = {"init": "k-means++", "algorithm": "lloyd", "n_init": 1, "max_iter": 300}
    return {**schema_defaults("resampling"), **fit, **(overrides or {})}


def resampling_statistics(X, ks, settings: dict | None = None, *, best_labels=None,
                          item_rows=1000, item_partners=100) -> dict[str, object]:
    """Every resampling table of X over ``ks`` (ks below 2 or too large for a subsample or a
    half are left out), with the workflow's ``settings`` (missing keys: :func:`settings_with`).
    ``best_labels`` {k: n labels} is the labelling the per-cluster and per-row tables describe;
    missing ks get a full-data fit seeded from (seed, k)."""
    import sklearn.cluster  # noqa: F401  (before threadpool_limits: it limits loaded libraries)
    from threadpoolctl import threadpool_limits

    s = settings_with(settings)
    rows_used = rs.evidence_rows(X.shape[0], s.get("max_rows"), s["seed"])
    if rows_used is not None:  # above max_rows: the evidence's fixed sample of rows
        n_data, X = X.shape[0], np.ascontiguousarray(X[rows_used])
        best_labels = {k: np.asarray(v)[rows_used] for k, v in (best_labels or {}).items()}
    resamples, fraction, seed = s["resamples"], s["fraction"], s["seed"]
    null_references, pairs, pac_window = s["null_references"], s["pairs"], tuple(s["pac_window"])
    splits = s["prediction_strength_splits"]
    fit = {key: s[key] for key in ("init", "algorithm", "n_init", "max_iter")}
    n = X.shape[0]
    ks = valid_ks(ks, n, fraction)
    i, j = pair_sample(n, pairs, seed)
    every = n_pairs(n) <= pairs
    rows = [rs.subsample(n, fraction, seed, h).astype(np.int32) for h in range(resamples)]
    drawn = co_drawn(i, j, n, rows)
    with threadpool_limits(1):
        best = {k: _best(X, k, seed, fit, best_labels) for k in ks}
        data = {
            k: rt.data_k(k, i, j, n, _draws(X, k, rows, seed, fraction, fit),
                         window=pac_window, every_pair=every, drawn=drawn, best=best[k],
                         max_pairs=pairs, item_rows=item_rows, item_partners=item_partners,
                         seed=seed)
            for k in ks
        }
        refs = _reference_pacs(X, ks, rows, (i, j, drawn), null_references, seed, fraction, fit,
                               pac_window)
        ps = {(k, m): rs.prediction_strength_run(X, k, m, seed=seed, **fit)
              for k in ks for m in range(splits)}
    tables = rt.tables(data, refs, ps, resamples=resamples, references=null_references,
                       n_splits=splits, every_pair=every)
    return in_data_rows(tables, rows_used, n if rows_used is None else n_data)


def _draws(source, k, rows, seed, fraction, fit):
    """(rows, labels) of every subsample h of ``source`` at k (a generator: one at a time)."""
    for h, r in enumerate(rows):
        yield r, rs.resample_labels(source, k, h, seed=seed, fraction=fraction, **fit)


def _reference_pacs(X, ks, rows, pairs, B, seed, fraction, fit, window) -> dict:
    i, j, drawn = pairs
    if B == 0:
        return {}
    model = rs.NullModel.from_data(X)
    out = {}
    for b in range(B):
        ref = rs.null_reference(model, seed, b)
        for k in ks:
            draws = _draws(ref, k, rows, seed, fraction, fit)
            out[(k, b)] = rt.reference_pac(i, j, X.shape[0], draws, window, drawn)
    return out


def _best(X, k, seed, fit, best_labels) -> np.ndarray:
    if best_labels is not None and k in best_labels:
        return np.asarray(best_labels[k], dtype=np.int64)
    labels, _ = rs.fit_rows(X, k, random_state=rs.fit_seed(seed, BEST_TAG, k), **fit)
    return labels.astype(np.int64)
