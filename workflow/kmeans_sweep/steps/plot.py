"""rules/plot.smk: the pictures. The sweep's (elbow, silhouette against k, the clusters on two
principal components, the criteria, seed stability) and summary.html; a silhouette diagram
at every picked k; the resampling evidence's. Each marks choose_k's picks."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from .. import io

log = logging.getLogger("kmeans_sweep")


def plot_sweep(input, output, params, wildcards) -> dict:
    """Every picture of the rule; returns {picture: the ks it marks}."""
    import pandas as pd

    from ..plots import criteria, curves
    from ..tables import methods, render

    dataset, plots = wildcards.dataset, params.plots
    fits = methods.view(pd.read_parquet(input.fits))
    choice = pd.read_parquet(input.choice)
    gap, stability = pd.read_parquet(input.gap), pd.read_parquet(input.stability)
    dpi = plots["dpi"]
    marks = {
        "elbow": curves.plot_elbow(fits, choice, output.elbow, dataset=dataset, **plots),
        "silhouette": curves.plot_silhouette(fits, choice, output.silhouette, dataset=dataset,
                                             **plots),
        "criteria": criteria.plot_criteria(fits, gap, stability, choice, output.criteria,
                                           dataset=dataset, dpi=dpi),
        "stability": criteria.plot_stability(stability, choice, output.stability,
                                             dataset=dataset, dpi=dpi),
        "clusters_pca": _pca_view(input, output, plots, fits, choice, dataset),
    }
    render.write_summary_page(pd.read_parquet(input.summary), dataset, output.summary_html)
    log.info("plots mark: %s", marks)
    return marks


def _pca_view(input, output, plots, fits, choice, dataset):
    from ..plots import pca

    X, y = io.load_prepared(input.X, input.y)
    rec = choice[choice["criterion"] == "recommended"].iloc[0]
    labels, centers, shown = _pca_fit(rec, fits, X, input.labels, input.centers)
    names = json.loads(Path(input.meta).read_text()).get("label_names")
    return pca.plot_clusters_pca(X, labels, centers, y, choice, output.clusters,
                                 dataset=dataset, class_names=names, shown=shown, **plots)


def _pca_fit(rec, fits, X, labels_path, centers_path):
    """(labels, centres, shown) of the PCA view: the recommended k's best fit; one cluster on
    the mean at k = 1 (no structure); with no recommendation (every k degenerate) the best
    fit at the smallest k, ``shown`` = its (k, method, seed)."""
    import pandas as pd

    from ..choose.choose_k import best_keys
    from ..tables import methods

    if pd.notna(rec["k"]) and int(rec["k"]) == 1:
        return np.zeros(X.shape[0], dtype=np.int64), X.mean(axis=0, keepdims=True), None
    shown = None
    if pd.isna(rec["k"]):
        shown = best_keys(fits, [int(fits["k"].min())])[0]
    key = methods.fit_of(*(shown or (int(rec["k"]), str(rec["fit_init"]), int(rec["fit_seed"]))))
    labels = io.read_labels([labels_path], [key])[key]
    return labels, io.read_centers([centers_path], *io.split_key(key)), shown


def silhouette_diagrams(input, output, params, wildcards) -> list[int]:
    """A silhouette diagram of the best fit at every k of the choose_k table (and at the
    number of true classes), into a fresh directory. Returns the ks drawn."""
    import pandas as pd

    from ..choose import verdict
    from ..choose.choose_k import best_keys
    from ..plots.silhouette import sample_distances
    from ..tables import methods

    choice, fits = pd.read_parquet(input.choice), pd.read_parquet(input.fits)
    multi, fits = methods.named(fits), methods.view(fits)
    X, y = io.load_prepared(input.X, input.y)
    n_classes = len(np.unique(y)) if y is not None else None
    ks = verdict.diagram_ks(choice, sorted(int(k) for k in fits["k"].unique()), n_classes)
    keys = best_keys(fits, ks)
    wanted = [methods.fit_of(*key) for key in keys]
    labels = methods.labels_view(io.read_labels([input.labels], wanted), multi)
    size = params.silhouette_sample_size
    distances = sample_distances(X, size)
    with io.fresh_dir(output.diagrams) as folder:
        for key in keys:
            _diagram(X, labels[key], key, choice, n_classes, folder, wildcards.dataset,
                     params.plots["dpi"], size, distances)
    log.info("silhouette diagrams at k = %s", ks)
    return ks


def _diagram(X, labels, key, choice, n_classes, folder, dataset, dpi, size, distances):
    """One silhouette diagram of the best fit ``key`` (k, method, seed), saying who picks k."""
    from ..choose import verdict
    from ..plots.silhouette import plot_silhouette_diagram

    k = key[0]
    why = verdict.who_picks(choice, k)
    if "recommended" in why:
        why[why.index("recommended")] = f"recommended ({verdict.short(choice)})"
    if "ari_with_labels" in why:
        why[why.index("ari_with_labels")] = "ari_with_labels (uses the true labels)"
    if k == n_classes:
        why.append("the number of true classes")
    plot_silhouette_diagram(
        X, labels, k, folder / f"silhouette_k{k}.png", dpi=dpi, sample_size=size,
        distances=distances, title=f"{dataset}: silhouette diagram at k = {k}",
        subtitle=f"k picked by: {', '.join(why)}\nbest fit: {key[1]}, seed {key[2]}",
    )


def plot_resampling(input, output, params, wildcards) -> dict:
    """resampling.png (consensus CDFs, PAC against the null, prediction strength), the
    clusters' stability, and a consensus matrix heatmap at the recommended k and at each
    resampling pick (into a fresh directory). Returns the marks of each picture."""
    import pandas as pd

    from ..choose import verdict
    from ..plots import resampling as RP

    dataset, dpi = wildcards.dataset, params.plots["dpi"]
    size = {"width": params.plots["width"], "height": params.plots["height"]}
    table, choice = pd.read_parquet(input.table), pd.read_parquet(input.choice)
    picks = {c: k for c, k in verdict.picks(choice).items() if c in RP.PICKS}
    marks = {
        "resampling": RP.plot_resampling(
            table, pd.read_parquet(input.cdf), picks, output.overview, dataset=dataset,
            dpi=dpi, window=tuple(params.pac_window), **size,
        )
    }
    with np.load(input.matrices) as z:
        matrices = {name: z[name] for name in z.files}
    ks = sorted({k for k in picks.values() if k is not None and f"M_{k}" in matrices})
    marks["cluster_stability"] = RP.plot_cluster_stability(
        pd.read_parquet(input.clusters), ks, output.stability, dataset=dataset, dpi=dpi,
        picks=picks, **size,
    )
    marks["consensus_matrices"] = _heatmaps(matrices, ks, picks, output.heatmaps, dataset, dpi)
    return marks


def _heatmaps(matrices, ks, picks, out_dir, dataset, dpi) -> list[int]:
    """One consensus matrix picture per k, written into a fresh directory."""
    from ..choose.resampling.cluster_stability import item_consensus_of_matrix
    from ..plots import resampling as RP

    n = int(matrices["n"])
    with io.fresh_dir(out_dir) as folder:
        for k in ks:
            M, labels = matrices[f"M_{k}"], matrices[f"labels_{k}"]
            who = [c.replace("_", " ") for c, v in picks.items() if v == k]
            RP.plot_consensus_matrix(
                M, labels, item_consensus_of_matrix(M, labels), k, n,
                folder / f"consensus_k{k}.png", dataset=dataset, dpi=dpi, picked_by=who,
            )
    return ks
