"""One function per workflow step. The scripts in workflow/scripts/ only pass Snakemake's
inputs, params and outputs to these; tests call them directly."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np

from . import io
from .fit import cost

log = logging.getLogger("kmeans_sweep")


def prepare_dataset(name: str, spec: dict, *, X_path, y_path, meta_path) -> dict:
    """Load and check a dataset, scale it, and write X.npy, y.npy and meta.json."""
    from .data.load import data_hash, load_dataset
    from .data.scaling import scale
    from .data.selection import select

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
    n_distinct = len(np.unique(X, axis=0)) if X.shape[0] <= 200_000 else None
    y = ds.y if ds.y is not None else np.zeros(0, dtype=np.int64)
    meta = {
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
    gap=None,
    out_gap=None,
    resample=None,
    out_resample=None,
    job_name="fit job",
    fail_on=None,
    terminal=None,
    item_delay=0.0,
):
    """Run one job's fits, gap statistic items and resampling items (each from the cache when
    known) and write rows, labels, centres, the gap items' log W and the resampling results.

    The log shows progress while it runs (and ``terminal``, a fit.progress.Terminal, if
    given) and, at the end, the job's estimated work (the cost model, see cost.py) beside what
    it really took, so the estimate's error stays visible.
    ``gap``: {"items": [(k, b), ...], "sample_size", "n_init", "max_iter"} (gap.py);
    ``resample``: {"items": [...], **settings} (resample_items.py, config.resampling_settings).
    """
    import pandas as pd

    from .data.load import data_hash
    from .fit.cache import FitCache
    from .fit.resample_runner import run_resample_items, write_results
    from .fit.runner import run_fits, run_gap_items

    start = time.perf_counter()
    X, y = io.load_prepared(X_path, y_path)
    gap = gap or {"items": []}
    resample = resample or {"items": []}
    units, spu, progress = _job_estimate(X, y, fits, settings, gap, resample, cache_dir, job_name)
    progress.terminal, progress.delay = terminal, item_delay
    cache, digest = FitCache(cache_dir), data_hash(X, y)
    result = run_fits(
        X, y, fits, settings, dataset, cache, fail_on=fail_on, progress=progress, digest=digest
    )
    gap_cache = FitCache(Path(cache_dir) / "gap" if cache_dir else None)  # beside the fits
    gap_result = run_gap_items(X, gap["items"], gap, digest, gap_cache, progress)
    res_cache = FitCache(Path(cache_dir) / "resample" if cache_dir else None)
    res_result = run_resample_items(X, resample["items"], resample, digest, res_cache, progress)
    if out_resample is not None:
        write_results(res_result.values, out_resample)
    io.write_labels(result.labels, out_labels)
    io.write_centers(result.centers, out_centers)
    io.write_parquet(pd.DataFrame(result.rows), out_fits)
    if out_gap is not None:
        rows = [{"k": k, "b": b, "log_w": v} for (k, b), v in sorted(gap_result.values.items())]
        io.write_parquet(pd.DataFrame(rows, columns=["k", "b", "log_w"]), out_gap)
    work = result.fit_seconds + result.score_seconds + gap_result.seconds + res_result.seconds
    all_new = result.computed == len(fits) and gap_result.computed == len(gap["items"])
    if all_new and res_result.computed == len(resample["items"]):
        cost.record(cache_dir, units, work)
        log.info(
            "%s: estimated %.2f s, took %.2f s of fitting and scoring (estimate/actual %.2f)",
            job_name,
            units * spu,
            work,
            units * spu / work if work else float("nan"),
        )
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
    for what, items, done in (
        ("gap statistic", gap["items"], gap_result),
        ("resampling", resample["items"], res_result),
    ):
        if items:
            log.info(
                "%s: %d %s fits (%d new, %d from the cache) in %.2f s",
                dataset,
                len(items),
                what,
                done.computed,
                done.cached,
                done.seconds,
            )
    return result


def _job_estimate(X, y, fits, settings, gap, resample, cache_dir, job_name):
    """(estimated units, seconds per unit, a Progress over every item) of one fit job;
    logged."""
    from .fit.progress import Progress, item_estimates
    from .fit.resample_items import as_tuple

    n, d = X.shape
    units = cost.fit_costs(n, d, fits, settings, y is not None)
    units[0:1] += cost.job_units(n, d, settings["silhouette_sample_size"])
    gap_costs = cost.gap_costs(n, d, gap["items"], gap) if gap["items"] else np.zeros(0)
    gap_units = float(gap_costs.sum())
    res_items = [as_tuple(i) for i in resample["items"]]
    res_costs = cost.resample_costs(n, d, res_items, resample) if res_items else np.zeros(0)
    res_units = float(res_costs.sum())
    spu, source = cost.seconds_per_unit(cache_dir)
    total = float(units.sum()) + gap_units + res_units
    log.info(
        "%s: %d fits, %d gap statistic fits and %d resampling fits, estimated %.2f s of work (%s)",
        job_name,
        len(fits),
        len(gap["items"]),
        len(res_items),
        total * spu,
        source,
    )
    estimates = {
        **item_estimates("fit", [io.fit_key(*io.split_key(tuple(f))) for f in fits], units * spu),
        **item_estimates("gap", [(int(k), int(b)) for k, b in gap["items"]], gap_costs * spu),
        **item_estimates("resample", res_items, res_costs * spu),
    }
    return total, spu, Progress(estimates, job_name)


def aggregate_fits(
    chunk_paths,
    *,
    label_paths,
    center_paths,
    init_order,
    algorithm_order=None,
    out_fits,
    out_summary,
    out_summary_csv,
    out_labels,
    out_centers,
    gap_paths=(),
    gap_ks=(),
    gap_references=0,
    out_gap=None,
    keep_paths=(),
):
    """Combine the fit jobs' rows, labels and centres; summarise; assemble the gap statistic
    table from the jobs' gap fits; drop other plans' files (``keep_paths``: this plan's files
    that other steps read, the resampling results).

    fits.parquet and summary.parquet at full precision; summary.csv rounded for people."""
    import pandas as pd

    from .choose import degenerate
    from .fit.gap import gap_table
    from .tables.aggregate import combine_fits, summarize
    from .tables.render import for_people

    fits = combine_fits([pd.read_parquet(p) for p in chunk_paths], init_order, algorithm_order)
    summary = summarize(fits, init_order, algorithm_order)
    summary = degenerate.mark(summary, degenerate.degenerate_ks(fits))
    io.write_parquet(fits, out_fits)
    io.write_parquet(summary, out_summary)
    io.write_csv(for_people(summary), out_summary_csv)
    io.write_labels(io.read_labels(label_paths), out_labels)
    io.write_parquet(pd.concat([pd.read_parquet(p) for p in center_paths]), out_centers)
    if out_gap is not None:
        values = {}
        for path in gap_paths:
            for k, b, v in pd.read_parquet(path)[["k", "b", "log_w"]].itertuples(index=False):
                values[(int(k), int(b))] = float(v)
        io.write_parquet(gap_table(values, gap_ks, gap_references), out_gap)
    stale = io.remove_other_files(
        Path(chunk_paths[0]).parent,
        [*chunk_paths, *label_paths, *center_paths, *gap_paths, *keep_paths],
    )
    log.info(
        "%d fits, %d (k, init, algorithm) groups; removed %d files of an earlier job plan",
        len(fits),
        len(summary),
        stale,
    )
    return fits, summary


def plot_sweep(
    *,
    fits_path,
    summary_path,
    choice_path,
    gap_path,
    stability_path,
    X_path,
    y_path,
    meta_path,
    label_paths,
    center_paths,
    plots,
    out_elbow,
    out_silhouette,
    out_clusters,
    out_criteria,
    out_stability,
    out_summary_html,
    dataset,
):
    """The elbow, silhouette, cluster, criteria and stability pictures, marking choose_k's
    picks, and summary.html. Returns {plot: the ks it marks}."""
    import json

    import pandas as pd

    from .plots import clusters
    from .plots import criteria as CP
    from .plots import curves as P
    from .tables import methods, render

    fits = methods.view(pd.read_parquet(fits_path))
    choice = pd.read_parquet(choice_path)
    gap, stability = pd.read_parquet(gap_path), pd.read_parquet(stability_path)
    dpi = plots["dpi"]
    marks = {
        "elbow": P.plot_elbow(fits, choice, out_elbow, dataset=dataset, **plots),
        "silhouette": P.plot_silhouette(fits, choice, out_silhouette, dataset=dataset, **plots),
        "criteria": CP.plot_criteria(
            fits, gap, stability, choice, out_criteria, dataset=dataset, dpi=dpi
        ),
        "stability": CP.plot_stability(stability, choice, out_stability, dataset=dataset, dpi=dpi),
    }
    X, y = io.load_prepared(X_path, y_path)
    rec = choice[choice["criterion"] == "recommended"].iloc[0]
    labels, centers, shown = _pca_fit(rec, fits, X, label_paths, center_paths)
    names = json.loads(Path(meta_path).read_text()).get("label_names")
    marks["clusters_pca"] = clusters.plot_clusters_pca(
        X, labels, centers, y, choice, out_clusters, dataset=dataset, class_names=names,
        shown=shown, **plots
    )
    render.write_summary_page(pd.read_parquet(summary_path), dataset, out_summary_html)
    log.info("plots mark: %s", marks)
    return marks


def _pca_fit(rec, fits, X, label_paths, center_paths):
    """(labels, centres, shown) of the PCA view: the recommended k's best fit; one cluster on
    the mean at k = 1 (no structure); with no recommendation (every k degenerate) the best
    fit at the smallest k, ``shown`` = its (k, method, seed)."""
    import pandas as pd

    from .tables import methods

    if pd.notna(rec["k"]) and int(rec["k"]) == 1:
        return np.zeros(X.shape[0], dtype=np.int64), X.mean(axis=0, keepdims=True), None
    shown = None
    if pd.isna(rec["k"]):
        shown = best_keys(fits, [int(fits["k"].min())])[0]
    key = methods.fit_of(*(shown or (int(rec["k"]), str(rec["fit_init"]), int(rec["fit_seed"]))))
    labels = io.read_labels(label_paths, [key])[key]
    return labels, io.read_centers(center_paths, *io.split_key(key)), shown


def compare_algorithms(
    *, dataset, fits_path, label_paths, skipped, plots, out_csv, out_parquet, out_html, out_plot
):
    """The algorithm comparison table (Parquet at full precision, CSV and HTML rounded) and
    picture. ``skipped``: (what, short, why) of each combination not fitted (config.skips)."""
    import pandas as pd

    from .plots import comparison as comparison_plot
    from .tables import compare, render

    fits = pd.read_parquet(fits_path)
    per_fit = compare.per_fit(fits, io.read_labels(label_paths))
    comparison = compare.table(per_fit, dataset)
    io.write_parquet(comparison, out_parquet)
    io.write_csv(render.for_people(comparison), out_csv)
    notes = compare.findings(comparison)
    if comparison["algorithm"].nunique() == 1:
        notes.append("Only one algorithm was swept: list more in sweep.algorithm to compare.")
    notes += [f"Not fitted: {what} ({why})." for what, _, why in skipped]
    render.write_comparison_page(comparison, dataset, notes, out_html)
    short = [s for _, s, _ in skipped]
    comparison_plot.plot_comparison(comparison, out_plot, dataset=dataset, skipped=short, **plots)
    for line in notes:
        log.info("%s", line)
    return comparison


def choose_k(
    *,
    dataset,
    fits_path,
    gap_path,
    label_paths,
    out_csv,
    out_parquet,
    out_html,
    out_stability,
    resampling_path=None,
):
    """The choose_k table (Parquet at full precision, CSV and HTML rounded) and stability
    across seeds; no pictures (plot_sweep draws them), so the plots' jobs start sooner.
    ``resampling_path``: the resampling table, whose two picks then vote too. Returns the
    table."""
    import pandas as pd

    from .choose import choose_k as C
    from .choose import degenerate, verdict
    from .choose.stability import stability_table
    from .tables import methods, render

    fits = pd.read_parquet(fits_path)
    labels = methods.labels_view(io.read_labels(label_paths), methods.named(fits))
    fits = methods.view(fits)
    stability = degenerate.mark(stability_table(labels), degenerate.degenerate_ks(fits))
    gap = pd.read_parquet(gap_path)
    resampling = pd.read_parquet(resampling_path) if resampling_path else None
    choice = C.choose_k(fits, gap, stability, resampling)
    choice.insert(0, "dataset", dataset)
    io.write_parquet(stability, out_stability)
    io.write_parquet(choice, out_parquet)
    io.write_csv(render.for_people(choice), out_csv)
    swept = sorted(int(k) for k in fits["k"].unique())
    render.write_choice_page(
        choice, dataset, verdict.headline(choice, dataset, swept, width=10_000), out_html
    )
    rec = verdict.row(choice, "recommended")
    log.info("recommended k=%s (%s): %s", rec["k"], rec["confidence"], rec["note"])
    return choice


def silhouette_diagrams(
    *,
    dataset,
    choice_path,
    fits_path,
    X_path,
    y_path,
    label_paths,
    plots,
    silhouette_sample_size,
    out_diagrams,
):
    """A silhouette diagram of the best fit at every k of the choose_k table (and at the number
    of true classes), into a fresh directory. Returns the ks drawn."""
    import pandas as pd

    from .choose import verdict
    from .tables import methods

    choice = pd.read_parquet(choice_path)
    fits = pd.read_parquet(fits_path)
    multi = methods.named(fits)
    fits = methods.view(fits)
    X, y = io.load_prepared(X_path, y_path)
    n_classes = len(np.unique(y)) if y is not None else None
    swept = sorted(int(k) for k in fits["k"].unique())
    ks = verdict.diagram_ks(choice, swept, n_classes)
    keys = best_keys(fits, ks)
    wanted = [methods.fit_of(*key) for key in keys]
    labels = methods.labels_view(io.read_labels(label_paths, wanted), multi)
    _diagrams(
        X,
        labels,
        keys,
        choice,
        n_classes,
        out_diagrams,
        dataset=dataset,
        dpi=plots["dpi"],
        sample_size=silhouette_sample_size,
    )
    log.info("silhouette diagrams at k = %s", ks)
    return ks


def best_keys(fits, ks) -> list[tuple[int, str, int]]:
    """(k, method, seed) of the best fit at each k (fits: the methods.view)."""
    from .choose.choose_k import criteria_by_k

    by_k = criteria_by_k(fits).set_index("k")
    return [(int(k), str(by_k.loc[k, "best_init"]), int(by_k.loc[k, "best_seed"])) for k in ks]


def _diagrams(X, labels, keys, choice, n_classes, out_dir, *, dataset, dpi, sample_size):
    """One silhouette diagram per best fit (k, method, seed) in ``keys``, into a fresh
    directory."""
    import shutil

    from .choose import verdict
    from .plots.silhouette import plot_silhouette_diagram, sample_distances

    distances = sample_distances(X, sample_size)
    out_dir = Path(out_dir)
    tmp_dir = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for key in keys:
        k = key[0]
        why = verdict.who_picks(choice, k)
        if "recommended" in why:
            why[why.index("recommended")] = f"recommended ({verdict.short(choice)})"
        if "ari_with_labels" in why:
            why[why.index("ari_with_labels")] = "ari_with_labels (uses the true labels)"
        if k == n_classes:
            why.append("the number of true classes")
        plot_silhouette_diagram(
            X,
            labels[key],
            k,
            tmp_dir / f"silhouette_k{k}.png",
            dpi=dpi,
            sample_size=sample_size,
            distances=distances,
            title=f"{dataset}: silhouette diagram at k = {k}",
            subtitle=f"k picked by: {', '.join(why)}\nbest fit: {key[1]}, seed {key[2]}",
        )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    os.replace(tmp_dir, out_dir)
