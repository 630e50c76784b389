"""The resampling evidence's workflow steps: its tables from the fit jobs' results, and its
pictures. The scripts in workflow/scripts/ only pass Snakemake's inputs, params and outputs to
these; tests call them directly."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from . import io
from .steps import best_keys

log = logging.getLogger("kmeans_sweep")


def resampling(
    *,
    dataset,
    result_paths,
    fits_path,
    labels_path,
    settings,
    ks,
    out_table,
    out_csv,
    out_html,
    out_cdf,
    out_clusters,
    out_items,
    out_matrices,
):
    """The resampling tables from the fit jobs' results: resampling.parquet (one row per k;
    CSV and HTML rounded), the consensus CDFs, per-cluster and per-row consensus and
    stability of the best fit at each k, and consensus matrices of a fixed row sample."""
    import pandas as pd

    from .choose import resampling as R
    from .choose.resampling_results import resampling_tables
    from .fit.resample_items import valid_ks
    from .tables import render

    fits = pd.read_parquet(fits_path)
    n = int(fits["n_samples"].iloc[0])
    ks = valid_ks(ks, n, settings["fraction"])
    best = _best_labels(fits, labels_path, ks)
    tables = resampling_tables(result_paths, best, n, ks, settings)
    table = _resampling_table(tables["resampling"], tables["references"], dataset, settings)
    table["beats_null"] = R.beats_null(table)
    io.write_parquet(table, out_table)
    io.write_csv(render.for_people(table), out_csv)
    said = R.verdict(table)
    intro = [f"{R.headline(said)}.", SETUP.format(**_setup(table, settings))]
    render.write_resampling_page(table, dataset, intro, out_html)
    io.write_parquet(_cdf_table(tables["cdf"]), out_cdf)
    io.write_parquet(_cluster_table(tables["clusters"]), out_clusters)
    io.write_parquet(tables["items"], out_items)
    with io.atomic_path(out_matrices) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **tables["matrices"])
    log.info("%s: %s", dataset, R.headline(said))
    return table


def _best_labels(fits, labels_path, ks) -> dict:
    """{k: labels of the best fit at k}: the fit every other picture shows for that k."""
    from .tables import methods

    multi = methods.named(fits)
    keys = best_keys(methods.view(fits), ks)
    wanted = [methods.fit_of(*key) for key in keys]
    labels = methods.labels_view(io.read_labels([labels_path], wanted), multi)
    return {key[0]: np.asarray(labels[key], dtype=np.int64) for key in keys}


def _resampling_table(table, refs, dataset: str, settings: dict):
    """The published columns: what was fitted, then the statistics (RESAMPLING_GUIDE)."""
    from .tables.methods import name

    out = table.copy()
    out["mean_consensus"] = 1.0 - out["area"]
    by_k = refs.groupby("k")["pac"]
    out["pac_ref_min"] = out["k"].map(by_k.min())
    out["pac_ref_max"] = out["k"].map(by_k.max())
    out["pac_refs"] = out["k"].map(by_k.agg(list)).apply(lambda v: v if isinstance(v, list) else [])
    method = name(settings["init"], settings["algorithm"], settings["algorithm"] != "lloyd")
    lead = {"dataset": dataset, "method": method, "n_init": settings["n_init"],
            "fraction": settings["fraction"]}
    for i, (col, value) in enumerate(lead.items()):
        out.insert(i + (1 if col != "dataset" else 0), col, value)
    return out


SETUP = (
    "Each of {resamples} subsamples ({percent} % of the rows) was fitted at every k with "
    "{method}; {references} null references were resampled the same way; prediction strength "
    "from {splits} half-splits; consensus over {pairs} pairs ({which})."
)


def _setup(table, settings) -> dict:
    first = table.iloc[0] if len(table) else {}
    return {
        "method": first.get("method", settings["init"]),
        "resamples": settings["resamples"],
        "percent": round(100 * settings["fraction"]),
        "references": settings["null_references"],
        "splits": settings["prediction_strength_splits"],
        "pairs": f"{int(first.get('pairs_used', 0)):,}",
        "which": "every pair" if bool(first.get("every_pair", True)) else "a uniform sample",
    }


def _cdf_table(cdf):
    return cdf.rename(columns={"cdf": "F"}).assign(source="data")[["k", "source", "x", "F"]]


def _cluster_table(clusters):
    return clusters.rename(columns={"consensus": "cluster_consensus", "stability": "jaccard_mean"})


def plot_resampling(
    *,
    dataset,
    table_path,
    cdf_path,
    clusters_path,
    matrices_path,
    choice_path,
    plots,
    pac_window,
    out_overview,
    out_stability,
    out_heatmaps,
):
    """resampling.png (consensus CDFs, PAC against the null, prediction strength), the
    clusters' stability, and a consensus matrix heatmap at the recommended k and at each
    resampling pick (into a fresh directory). Returns the marks of each picture."""
    import pandas as pd

    from .choose import verdict
    from .plots import resampling as RP

    table, choice = pd.read_parquet(table_path), pd.read_parquet(choice_path)
    picks = {c: k for c, k in verdict.picks(choice).items() if c in RP.PICKS}
    dpi, size = plots["dpi"], {"width": plots["width"], "height": plots["height"]}
    marks = {
        "resampling": RP.plot_resampling(
            table, pd.read_parquet(cdf_path), picks, out_overview, dataset=dataset, dpi=dpi,
            window=tuple(pac_window), **size,
        )
    }
    with np.load(matrices_path) as z:
        matrices = {name: z[name] for name in z.files}
    ks = sorted({k for k in picks.values() if k is not None and f"M_{k}" in matrices})
    marks["cluster_stability"] = RP.plot_cluster_stability(
        pd.read_parquet(clusters_path), ks, out_stability, dataset=dataset, dpi=dpi,
        picks=picks, **size,
    )
    marks["consensus_matrices"] = _heatmaps(matrices, ks, picks, out_heatmaps, dataset, dpi)
    return marks


def _heatmaps(matrices, ks, picks, out_dir, dataset, dpi) -> list[int]:
    """One consensus matrix picture per k, written into a fresh directory."""
    import shutil

    from .plots import resampling as RP

    out_dir = Path(out_dir)
    tmp = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    n = int(matrices["n"])
    for k in ks:
        M, labels = matrices[f"M_{k}"], matrices[f"labels_{k}"]
        who = [c.replace("_", " ") for c, v in picks.items() if v == k]
        RP.plot_consensus_matrix(
            M, labels, _item_consensus(M, labels), k, n, tmp / f"consensus_k{k}.png",
            dataset=dataset, dpi=dpi, picked_by=who,
        )
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return ks


def _item_consensus(M, labels) -> np.ndarray:
    """Each sampled row's mean consensus with the other sampled rows of its cluster."""
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    with np.errstate(invalid="ignore"):
        return (M * same).sum(axis=1) / same.sum(axis=1)
