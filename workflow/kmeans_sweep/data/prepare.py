"""One dataset made ready to fit: loaded, checked, its most variable features kept, scaled,
and described (the ``meta.json`` every later step reads)."""

from __future__ import annotations

import logging

import numpy as np

from .load import data_hash, load_dataset
from .scaling import scale
from .selection import select

log = logging.getLogger("kmeans_sweep")


def prepare(name: str, spec: dict) -> tuple[np.ndarray, np.ndarray, dict]:
    """(X scaled, y or an empty array, meta) of a dataset; notes and choices are logged."""
    ds = load_dataset(name, spec)
    for note in ds.notes:
        log.warning("%s: %s", name, note)
    top, measure = spec.get("top_variable_features"), spec.get("feature_selection", "mad")
    ds.X, ds.feature_names, selection = select(ds.X, ds.feature_names, top, measure)
    if selection is not None:
        log.info(
            "%s: kept the %d of %d features with the highest %s (before scaling)",
            name,
            selection["n_features_kept"],
            selection["n_features_before"],
            measure,
        )
    X, constant = scale(ds.X, spec["scale"], in_place=True)
    ds.X = None  # scaled in place: X is the only copy
    if constant:
        names = [ds.feature_names[i] for i in constant]
        log.warning("%s: constant column(s) %s carry no information", name, ", ".join(names))
    y = ds.y if ds.y is not None else np.zeros(0, dtype=np.int64)
    meta = _meta(name, spec, X, ds, selection, constant)
    if meta["n_distinct_points"] is not None and meta["n_distinct_points"] < X.shape[0]:
        log.info("%s: %d distinct points among %d rows", name, meta["n_distinct_points"], len(X))
    return X, y, meta


def _meta(name, spec, X, ds, selection, constant) -> dict:
    n_distinct = len(np.unique(X, axis=0)) if X.shape[0] <= 200_000 else None
    return {
        "dataset": name,
        "source": spec["source"],
        "scale": spec["scale"],
        "dtype": str(X.dtype),
        "layout": spec.get("layout", "samples_in_rows"),
        "labels_file": spec.get("labels_file"),
        "feature_selection": selection,
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "n_distinct_points": n_distinct,
        "feature_names": ds.feature_names,
        "has_labels": ds.y is not None,
        "n_classes": len(np.unique(ds.y)) if ds.y is not None else None,
        "label_names": ds.label_names,
        "dropped_rows": ds.dropped_rows,
        "constant_columns": [ds.feature_names[i] for i in constant],
        "sha256": data_hash(X, ds.y),
    }
