"""One function per workflow step. The scripts in workflow/scripts/ only pass Snakemake's
inputs, params and outputs to these; tests call them directly."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np

from . import io

log = logging.getLogger("kmeans_sweep")


def prepare_dataset(name: str, spec: dict, *, X_path, y_path, meta_path) -> dict:
    """Load and check a dataset, scale it, and write X.npy, y.npy and meta.json."""
    from .data import data_hash, load_dataset, scale

    ds = load_dataset(name, spec)
    for note in ds.notes:
        log.warning("%s: %s", name, note)
    X, constant = scale(ds.X, spec["scale"], in_place=True)
    ds.X = None  # scaled in place: X is the only copy
    if constant:
        names = [ds.feature_names[i] for i in constant]
        log.warning("%s: constant column(s) %s carry no information", name, ", ".join(names))
    n_distinct = len(np.unique(X, axis=0)) if X.shape[0] <= 200_000 else None
    y = ds.y if ds.y is not None else np.zeros(0, dtype=np.int64)
    meta = {
        "dataset": name,
        "source": spec["source"],
        "scale": spec["scale"],
        "dtype": str(X.dtype),
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
    if n_distinct is not None and n_distinct < X.shape[0]:
        log.info("%s: %d distinct points among %d rows", name, n_distinct, X.shape[0])
    io.write_npy(X, X_path)
    io.write_npy(y, y_path)
    io.write_json(meta, meta_path)
    log.info("%s: prepared %d x %d (%s scaling)", name, X.shape[0], X.shape[1], spec["scale"])
    return meta


def fit_chunk(
    dataset: str,
    *,
    X_path,
    y_path,
    fits,
    settings,
    cache_dir,
    out_fits,
    out_labels,
    out_centers,
    fail_on=None,
):
    """Run one job's fits (from the cache when known) and write rows, labels and centres."""
    import pandas as pd

    from .fitting import FitCache, run_fits

    start = time.perf_counter()
    X, y = io.load_prepared(X_path, y_path)
    result = run_fits(X, y, fits, settings, dataset, FitCache(cache_dir), fail_on=fail_on)
    io.write_labels(result.labels, out_labels)
    io.write_centers(result.centers, out_centers)
    io.write_parquet(pd.DataFrame(result.rows), out_fits)
    log.info(
        "%s: %d fits: %d computed, %d from the cache, in %.2f s "
        "(fitting %.2f s, scoring %.2f s including silhouette distances)",
        dataset,
        len(fits),
        result.computed,
        result.cached,
        time.perf_counter() - start,
        result.fit_seconds,
        result.score_seconds,
    )
    return result


def aggregate_fits(chunk_paths, *, init_order, out_fits, out_summary, out_summary_csv):
    import pandas as pd

    from .aggregate import combine_fits, summarize

    fits = combine_fits([pd.read_parquet(p) for p in chunk_paths], init_order)
    summary = summarize(fits, init_order)
    io.write_parquet(fits, out_fits)
    io.write_parquet(summary, out_summary)
    io.write_csv(summary, out_summary_csv)
    log.info("%d fits, %d (k, init) groups", len(fits), len(summary))
    return fits, summary


def plot_sweep(
    *,
    fits_path,
    X_path,
    y_path,
    label_paths,
    center_paths,
    plots,
    out_elbow,
    out_silhouette,
    out_clusters,
    dataset,
):
    import pandas as pd

    from . import plots as P
    from .aggregate import best_fit

    fits = pd.read_parquet(fits_path)
    P.plot_elbow(fits, out_elbow, dataset=dataset, **plots)
    P.plot_silhouette(fits, out_silhouette, dataset=dataset, **plots)
    X, y = io.load_prepared(X_path, y_path)
    best = best_fit(fits)
    key = (int(best.k), str(best.init), int(best.seed))
    labels = io.read_labels(label_paths, [key])[key]
    centers = io.read_centers(center_paths, *key)
    P.plot_clusters_pca(X, labels, centers, y, best, out_clusters, dataset=dataset, **plots)


def gap_statistic(X_path, gap: dict, out_path):
    from .choose_k import gap_statistic as compute

    X = io.load_X(X_path)
    start = time.perf_counter()
    table = compute(
        X,
        gap["k"],
        n_refs=gap["n_refs"],
        random_state=0,
        n_init=gap["n_init"],
        max_iter=gap["max_iter"],
        sample_size=gap["sample_size"],
    )
    io.write_parquet(table, out_path)
    log.info("gap statistic for %d k values in %.2f s", len(table), time.perf_counter() - start)
    return table


def choose_k(
    *,
    dataset,
    fits_path,
    gap_path,
    X_path,
    label_paths,
    plots,
    silhouette_sample_size,
    out_csv,
    out_parquet,
    out_stability,
    out_criteria,
    out_stability_plot,
    out_diagrams,
):
    import pandas as pd

    from . import choose_k as C
    from . import choose_k_plots as CP

    fits = pd.read_parquet(fits_path)
    gap = pd.read_parquet(gap_path)
    labels = io.read_labels(label_paths)
    stability = C.stability_table(labels)
    choice = C.choose_k(fits, gap, stability)
    choice.insert(0, "dataset", dataset)
    io.write_parquet(stability, out_stability)
    io.write_parquet(choice, out_parquet)
    io.write_csv(choice, out_csv)
    rec = choice[choice["criterion"] == "recommended"].iloc[0]
    log.info("recommended k=%s (%s): %s", rec["k"], rec["confidence"], rec["note"])

    dpi = plots["dpi"]
    CP.plot_criteria(
        fits, gap, stability, choice, out_criteria, title=f"{dataset}: choosing k", dpi=dpi
    )
    CP.plot_stability(
        stability, out_stability_plot, title=f"{dataset}: stability across seeds", dpi=dpi
    )
    X = io.load_X(X_path)
    ks = sorted(fits["k"].unique())
    rec_k = int(rec["k"])
    i = ks.index(rec_k)
    out_dir = Path(out_diagrams)
    tmp_dir = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for k in ks[max(0, i - 1) : i + 2]:
        at_k = fits[fits["k"] == k]
        best = at_k.loc[at_k["inertia"].idxmin()]
        key = (int(best.k), str(best.init), int(best.seed))
        note = " (recommended)" if k == rec_k else ""
        CP.plot_silhouette_diagram(
            X,
            labels[key],
            k,
            tmp_dir / f"silhouette_k{k}.png",
            sample_size=silhouette_sample_size,
            title=f"{dataset}: silhouette diagram, k={k}{note}, {key[1]} seed {key[2]}",
            dpi=dpi,
        )
    if out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)
    os.replace(tmp_dir, out_dir)
    return choice
